"""iOS artifacts. Each declares its paths in both layouts through `paths`."""
