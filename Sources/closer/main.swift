import CloserCommands

CloserCommand.runAndExit()
