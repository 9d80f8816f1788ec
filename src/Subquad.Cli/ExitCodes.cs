namespace Subquad.Cli;

/// <summary>Process exit codes (STYLE 3.8; SAT answers follow SAT-competition convention).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int BadInput = 2;
    public const int Unsupported = 3;
    public const int Satisfiable = 10;
    public const int Unsatisfiable = 20;
    public const int Internal = 70;
    public const int Cancelled = 130;
    public const int Terminated = 143;
}
