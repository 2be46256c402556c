"""Android artifacts: bugreport dumpstate sections, androidqf files, adb backup content.

Logical layout shared by the three Android sources (see each source's docstring):
`dumpsys.txt`, `getprop.txt`, `packages.json`... as androidqf writes them; a bugreport's
dumpstate text at `bugreport/dumpstate.txt` and its files under `bugreport/FS/...`; the
content of an adb backup under `backup/apps/<package>/...`.
"""
