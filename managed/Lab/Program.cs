return ProgramHost.Run(AsmKernels.Lab.CommandLine.Program, () => AsmKernels.Lab.CommandLine.Run(args, Console.Out, Console.Error));
