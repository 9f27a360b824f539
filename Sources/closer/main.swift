import CloserCommands

CloserCommand.main()
