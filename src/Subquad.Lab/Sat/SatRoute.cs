using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Sat;

namespace Subquad.Lab.Sat;

/// <summary>The settings a route may read; which ones it reads is part of the route (<see cref="SatRoute.Uses"/>).</summary>
/// <param name="Gamma">gamma &gt;= 1 of the gamma-LSD call (the lsd route).</param>
/// <param name="Oracle">True: brute force as the bottom solver instead of the engine (the exact routes).</param>
/// <param name="Runtime">"own" or "onnx" (the transformer routes).</param>
public sealed record SatRouteSettings(Rational Gamma, bool Oracle, string Runtime);

/// <summary>
/// One way <c>subquad sat --via NAME</c> decides a formula, as data: the reduction chain below split and list, the
/// solver at its bottom, and the settings it reads. A setting given on the command line that the chosen route does not
/// read is refused (<see cref="SatRoutes.Unused"/>), never silently ignored.
/// </summary>
/// <param name="Name">The <c>--via</c> name.</param>
/// <param name="Description">One line for --help.</param>
/// <param name="Uses">The settings it reads, by option name without dashes: "solver", "gamma", "runtime".</param>
/// <param name="Chain">The reduction chain for the settings.</param>
/// <param name="Solver">The bottom solver for the settings.</param>
public sealed record SatRoute(string Name, string Description, IReadOnlyList<string> Uses, Func<SatRouteSettings, SatChain> Chain, Func<SatRouteSettings, ISimilaritySolver> Solver);
