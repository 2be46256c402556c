"""Real-format evidence writers: the fixtures of the tests, the demo and the self-test.

Each builder writes what a device writes — Apple's and Google's own table and column names,
binary plists, NSKeyedArchiver blobs, encrypted backups — from a description of what should
be in it, so that parsing, matching and decryption are tested on the real formats.
"""
