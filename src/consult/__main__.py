from consult.cli.app import main

main()
