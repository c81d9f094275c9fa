#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a fit went: the optimiser's account, reported with every fitted model.
public struct Convergence: Hashable, Sendable {
    /// True when the gradient vanished (or the objective stopped moving) before the iteration limit.
    public var converged: Bool
    /// Iterations of the quasi-Newton method.
    public var iterations: Int
    /// Largest gradient component of the mean negative log-likelihood (in log-parameters) at the end.
    public var gradientNorm: Double
    /// Evaluations of the likelihood and its gradient, line searches included.
    public var evaluations: Int

    public init(converged: Bool, iterations: Int, gradientNorm: Double, evaluations: Int) {
        self.converged = converged
        self.iterations = iterations
        self.gradientNorm = gradientNorm
        self.evaluations = evaluations
    }
}

/// Minimises a smooth function of a few unconstrained variables by BFGS (a quasi-Newton method)
/// with a backtracking line search under the Armijo condition. The models are fitted in log
/// parameters, so every point it visits is valid; a step that leaves the finite region is shortened.
struct BFGS {
    /// Converged when no gradient component exceeds this. Below about 1e-8 a step that lowers the
    /// gradient changes the mean log-likelihood by less than its last bit, so asking for much
    /// less only stalls the line search; the parameters are then exact to about seven digits.
    var gradientTolerance = 1e-7
    /// A line search that fails with the gradient below this ends the search as converged: the
    /// objective cannot be lowered further at double precision.
    var noiseTolerance = 1e-6
    var maxIterations = 1000
    /// Halvings of the step before a line search gives up.
    var maxHalvings = 30

    /// Returns the minimiser and how the search went. `objective` returns the value and fills
    /// the gradient.
    func minimise(from start: [Double], _ objective: (_ point: [Double], _ gradient: inout [Double]) -> Double)
        -> (point: [Double], value: Double, convergence: Convergence)
    {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var evaluations = 1
        var f = objective(x, &g)
        precondition(f.isFinite, "the starting point of a fit must have a finite likelihood")
        // The inverse Hessian estimate, row-major.
        var h = [Double](repeating: 0, count: n * n)
        for i in 0..<n { h[i * n + i] = 1 }
        var iterations = 0
        var stalled = 0
        while iterations < maxIterations {
            if g.map(abs).max()! <= gradientTolerance {
                return (x, f, Convergence(converged: true, iterations: iterations, gradientNorm: g.map(abs).max()!, evaluations: evaluations))
            }
            iterations += 1
            var direction = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for j in 0..<n { direction[i] -= h[i * n + j] * g[j] }
            }
            var slope = zip(direction, g).reduce(0) { $0 + $1.0 * $1.1 }
            if slope >= 0 {
                // Not a descent direction (the estimate went bad): restart from steepest descent.
                for i in 0..<n {
                    for j in 0..<n { h[i * n + j] = i == j ? 1 : 0 }
                    direction[i] = -g[i]
                }
                slope = -g.reduce(0) { $0 + $1 * $1 }
            }
            // Backtracking: the full quasi-Newton step first, halved until it lowers f enough.
            var step = 1.0
            var next = x
            var nextGradient = g
            var nextValue = Double.infinity
            for _ in 0..<maxHalvings {
                for i in 0..<n { next[i] = x[i] + step * direction[i] }
                nextValue = objective(next, &nextGradient)
                evaluations += 1
                if nextValue.isFinite && nextValue <= f + 1e-4 * step * slope { break }
                step *= 0.5
            }
            guard nextValue.isFinite, nextValue <= f else {
                let norm = g.map(abs).max()!
                return (x, f, Convergence(converged: norm <= noiseTolerance, iterations: iterations, gradientNorm: norm, evaluations: evaluations))
            }
            let s = (0..<n).map { next[$0] - x[$0] }
            let y = (0..<n).map { nextGradient[$0] - g[$0] }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            if abs(f - nextValue) <= 1e-15 * max(1, abs(f)) { stalled += 1 } else { stalled = 0 }
            x = next
            f = nextValue
            g = nextGradient
            if stalled >= 3 {
                let norm = g.map(abs).max()!
                return (x, f, Convergence(converged: norm <= noiseTolerance, iterations: iterations, gradientNorm: norm, evaluations: evaluations))
            }
            guard sy > 1e-300 else { continue }
            if iterations == 1 {
                // Scale the first estimate to the curvature seen (Nocedal & Wright, 6.20).
                let yy = y.reduce(0) { $0 + $1 * $1 }
                for i in 0..<n { h[i * n + i] = sy / yy }
            }
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
            let rho = 1 / sy
            var hy = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for j in 0..<n { hy[i] += h[i * n + j] * y[j] }
            }
            let yhy = zip(y, hy).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<n {
                for j in 0..<n {
                    h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                }
            }
        }
        let norm = g.map(abs).max()!
        return (x, f, Convergence(converged: norm <= gradientTolerance, iterations: iterations, gradientNorm: norm, evaluations: evaluations))
    }
}
