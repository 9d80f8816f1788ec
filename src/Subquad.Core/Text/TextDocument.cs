namespace Subquad.Core.Text;

/// <summary>One document of a folder: its path relative to the folder ('/'-separated) and its text.</summary>
public sealed record TextDocument(string RelativePath, string Text);
