import CCCMCommands

CCCM.mainCheckingOutput()
