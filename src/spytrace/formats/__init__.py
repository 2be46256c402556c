"""Apple container formats shared by several sources and parsers (NSKeyedArchiver, MBFile)."""
