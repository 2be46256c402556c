from spytrace.cli import main

main()
