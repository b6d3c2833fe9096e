from rexian.cli import main

main()
