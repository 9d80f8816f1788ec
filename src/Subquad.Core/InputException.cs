namespace Subquad.Core;

/// <summary>
/// Bad user input: a file, row or value that cannot be used. The message is one line that names the source
/// (file, line or row), says what is wrong and what to do. The CLI prints it without a stack trace and exits with 2.
/// The message is one line with control characters escaped (<see cref="ErrorText"/>), whatever the file or its name
/// holds: a quoted field or JSON excerpt can neither split it nor reach a terminal raw.
/// </summary>
public sealed class InputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">File name or other origin of the bad input ("&lt;generated&gt;" when none); may be null.</param>
    /// <param name="location">"line 7", "row 12" or null.</param>
    /// <param name="problem">What is wrong and, where it helps, what to do.</param>
    public InputException(string? source, string? location, string problem)
        : base(ErrorText.Escape(Compose(source, location, problem)))
    {
        Source_ = source;
        Location = location;
        Problem = problem;
    }

    /// <summary>The file or origin of the bad input, if known.</summary>
    public string? Source_ { get; }

    /// <summary>Where inside the source ("line 7", "row 3"), if known.</summary>
    public string? Location { get; }

    /// <summary>The bare description of the problem.</summary>
    public string Problem { get; }

    private static string Compose(string? source, string? location, string problem)
    {
        var prefix = (source, location) switch
        {
            (null, null) => "",
            (not null, null) => source + ": ",
            (null, not null) => location + ": ",
            _ => source + ": " + location + ": ",
        };
        return prefix + problem;
    }
}
