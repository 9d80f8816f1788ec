namespace Subquad.Core.IO;

/// <summary>Whether a .npy input is read into memory or used through a memory map (<see cref="NpyMappedReader"/>).</summary>
public enum InputMapping
{
    /// <summary>Read into memory (the default of <c>VectorFile.Read(path, kind)</c>).</summary>
    Never,

    /// <summary>Map when the file is large (<see cref="NpyMappedReader.ShouldMap"/>).</summary>
    Auto,

    /// <summary>Always map a .npy file (other formats are read into memory).</summary>
    Always,
}
