Console.Error.WriteLine("notebooks: not built yet");
return 2;
