import CCCMCommands

CCCM.main()
