from codincod.cli import main

main()
