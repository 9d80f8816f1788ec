namespace Subquad.Models.Constructions;

/// <summary>
/// A construction whose parameters cannot be valid for the requested shape (the paper scale with a variant whose
/// no-case bound cannot hold, issue 13): refused with one line saying why, before anything runs.
/// </summary>
public sealed class ConstructionRefusedException(string message) : ArgumentException(message);
