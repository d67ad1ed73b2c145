using System.CommandLine;
using Notebooks.Host.Cli;

var root = new RootCommand("notebooks: headless host for the project's Polyglot (C#) notebooks");
foreach (var verb in Verbs.All) root.Subcommands.Add(verb);
return await root.Parse(args).InvokeAsync();
