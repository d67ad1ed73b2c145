using System.CommandLine;
using Distill.Cli;

var root = new RootCommand("distill: the KD library's command line");
foreach (var verb in Verbs.All) root.Subcommands.Add(verb);
return await root.Parse(args).InvokeAsync();
