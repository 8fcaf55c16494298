using AsmKernels.AsmTools;

return ProgramHost.Run(CommandLine.Program, () => CommandLine.Run(args, Console.Out, Console.Error));
