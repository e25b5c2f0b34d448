from anying.cli import main

main()
