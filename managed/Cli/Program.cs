using AsmKernels.Cli;

return ProgramHost.Run(CommandLine.Program, () => CommandLine.Run(args, Console.Out, Console.Error));
