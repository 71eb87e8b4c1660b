// Differential fuzzing at scale: random expression trees built at run time (thousands a
// second, so 10^5 and more in minutes), over the same op set and points as fuzz.py. Each tree
// is evaluated in every engine and checked like fuzz_check.hpp:
//   the tape, op by op (Tensors)
//   == the op rules composed at run time: each node's value and partials from the static
//      engine's value_and_grad of that one op, chained in reverse (1e-12, or 1e-14 of the
//      gradient's size where terms cancel; NaN and infinities must match)
//   == the tape with each op recorded as a static statement
//   == the symbolic d() of each op, evaluated and composed at run time (1e-9, or 1e-13 of the
//      largest term summed where terms cancel; where finite and double computes the value well)
//   == central finite differences of the whole tree in long double (1e-6, where smooth)
//   and the op rules composed in float, and the tape on float32 tensors, == in double (2e-3, or
//   1e-5 of the largest term summed, where float computes the value well and stays in range;
//   every float32 tape result must be float32).
// Every engine's op-level rules are covered; fuzz.py compiles each whole expression instead
// (the static sweep and d() over deep expression types), at about half a second each. Each case
// here prints as the C++ fuzz.py would compile, so a mismatch found here is a fuzz.py case too.
//
//   tree_fuzz --seed 7 --count 100000          # prints "N passed, M failed"; exit 1 on a mismatch
//   tree_fuzz ... --torch cases.jsonl          # also writes each case for torch_compare.py
//
// On a mismatch the smallest failing subtree is reported as well (a minimal reproducer).
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fuzz_check.hpp"

namespace {

using namespace etgrad;

constexpr auto U = var<"u">;
constexpr auto V = var<"v">;
constexpr auto W = var<"w">;

enum class domain { any, positive, unit, above_one };

/// One op: how it prints (C++ and Python with torch), its arity, what its first operand needs,
/// and the op itself as a generic function of three operands (Tensors or static variables).
struct op_entry {
    const char* cpp;    // {0} {1} {2} stand for the operands
    const char* torch;  // the same in torch (float64 tensors)
    int arity;
    domain first;
    std::function<Tensor(const Tensor&, const Tensor&, const Tensor&)> tape;       // op by op
    std::function<Tensor(const Tensor&, const Tensor&, const Tensor&)> statement;  // one static statement
    std::function<void(double, double, double, double&, double (&)[3])> rule;      // value, partials
    std::function<void(double, double, double, double&, double (&)[3])> symbolic;  // d() evaluated
    std::function<void(float, float, float, float&, float (&)[3])> rule_float;
    std::function<long double(long double, long double, long double)> exact;
};

/// An op's value and partials at (a, b, c) from the static engine's sweep of that one op.
template <class F, class T>
void local_rule(F f, T a, T b, T c, T& value, T (&partial)[3]) {
    const auto r = value_and_grad(f(U, V, W), U = a, V = b, W = c);
    value = r.value;
    partial[0] = r.grad[U];
    partial[1] = r.grad[V];
    partial[2] = r.grad[W];
}

template <class F>
op_entry make(const char* cpp, const char* torch, int arity, domain first, F f) {
    op_entry e{cpp, torch, arity, first, {}, {}, {}, {}, {}, {}};
    e.tape = [f](const Tensor& a, const Tensor& b, const Tensor& c) { return Tensor(f(a, b, c)); };
    e.statement = [f](const Tensor& a, const Tensor& b, const Tensor& c) {
        return Tensor(f(U, V, W)(U = a, V = b, W = c));
    };
    e.rule = [f](double a, double b, double c, double& value, double(&partial)[3]) {
        local_rule(f, a, b, c, value, partial);
    };
    e.rule_float = [f](float a, float b, float c, float& value, float(&partial)[3]) {
        local_rule(f, a, b, c, value, partial);
    };
    e.symbolic = [f](double a, double b, double c, double& value, double(&partial)[3]) {
        const auto df = d(f(U, V, W), U, V, W)(U = a, V = b, W = c);
        value = f(U, V, W)(U = a, V = b, W = c);
        for (std::size_t k = 0; k < 3; ++k) partial[k] = df[k];
    };
    e.exact = [f](long double a, long double b, long double c) {
        return static_cast<long double>(f(U, V, W)(U = a, V = b, W = c));
    };
    return e;
}

// The op set of fuzz.py: every scalar op of ops/, integer and real powers, the losses, clamp.
#define ETGRAD_FUZZ_OP(cpp, torch, arity, first, body)                               \
    make(cpp, torch, arity, first, [](const auto& a, const auto& b, const auto& c) { \
        (void)a;                                                                     \
        (void)b;                                                                     \
        (void)c;                                                                     \
        return body;                                                                 \
    })
const std::vector<op_entry>& ops() {
    static const std::vector<op_entry> table = {
        ETGRAD_FUZZ_OP("-({0})", "-({0})", 1, domain::any, -a),
        ETGRAD_FUZZ_OP("exp({0})", "torch.exp({0})", 1, domain::any, exp(a)),
        ETGRAD_FUZZ_OP("expm1({0})", "torch.expm1({0})", 1, domain::any, expm1(a)),
        ETGRAD_FUZZ_OP("log1p({0})", "torch.log1p({0})", 1, domain::any, log1p(a)),
        ETGRAD_FUZZ_OP("sin({0})", "torch.sin({0})", 1, domain::any, sin(a)),
        ETGRAD_FUZZ_OP("cos({0})", "torch.cos({0})", 1, domain::any, cos(a)),
        ETGRAD_FUZZ_OP("tan({0})", "torch.tan({0})", 1, domain::any, tan(a)),
        ETGRAD_FUZZ_OP("tanh({0})", "torch.tanh({0})", 1, domain::any, tanh(a)),
        ETGRAD_FUZZ_OP("sigmoid({0})", "torch.sigmoid({0})", 1, domain::any, sigmoid(a)),
        ETGRAD_FUZZ_OP("relu({0})", "torch.relu({0})", 1, domain::any, relu(a)),
        ETGRAD_FUZZ_OP("abs({0})", "torch.abs({0})", 1, domain::any, abs(a)),
        ETGRAD_FUZZ_OP("atan({0})", "torch.atan({0})", 1, domain::any, atan(a)),
        ETGRAD_FUZZ_OP("sinh({0})", "torch.sinh({0})", 1, domain::any, sinh(a)),
        ETGRAD_FUZZ_OP("cosh({0})", "torch.cosh({0})", 1, domain::any, cosh(a)),
        ETGRAD_FUZZ_OP("asinh({0})", "torch.asinh({0})", 1, domain::any, asinh(a)),
        ETGRAD_FUZZ_OP("erf({0})", "torch.erf({0})", 1, domain::any, erf(a)),
        ETGRAD_FUZZ_OP("softplus({0})", "F.softplus({0})", 1, domain::any, softplus(a)),
        ETGRAD_FUZZ_OP("gelu({0})", "F.gelu({0})", 1, domain::any, gelu(a)),
        ETGRAD_FUZZ_OP("square({0})", "torch.square({0})", 1, domain::any, square(a)),
        ETGRAD_FUZZ_OP("log({0})", "torch.log({0})", 1, domain::positive, log(a)),
        ETGRAD_FUZZ_OP("sqrt({0})", "torch.sqrt({0})", 1, domain::positive, sqrt(a)),
        ETGRAD_FUZZ_OP("acosh({0})", "torch.acosh({0})", 1, domain::above_one, acosh(a)),
        ETGRAD_FUZZ_OP("asin({0})", "torch.asin({0})", 1, domain::unit, asin(a)),
        ETGRAD_FUZZ_OP("acos({0})", "torch.acos({0})", 1, domain::unit, acos(a)),
        ETGRAD_FUZZ_OP("atanh({0})", "torch.atanh({0})", 1, domain::unit, atanh(a)),
        ETGRAD_FUZZ_OP("({0}) + ({1})", "({0}) + ({1})", 2, domain::any, a + b),
        ETGRAD_FUZZ_OP("({0}) - ({1})", "({0}) - ({1})", 2, domain::any, a - b),
        ETGRAD_FUZZ_OP("({0}) * ({1})", "({0}) * ({1})", 2, domain::any, a * b),
        ETGRAD_FUZZ_OP("({0}) / ({1})", "({0}) / ({1})", 2, domain::any, a / b),
        ETGRAD_FUZZ_OP("min({0}, {1})", "torch.minimum({0}, {1})", 2, domain::any, min(a, b)),
        ETGRAD_FUZZ_OP("max({0}, {1})", "torch.maximum({0}, {1})", 2, domain::any, max(a, b)),
        ETGRAD_FUZZ_OP("atan2({0}, {1})", "torch.atan2({0}, {1})", 2, domain::any, atan2(a, b)),
        ETGRAD_FUZZ_OP("mse({0}, {1})", "F.mse_loss({0}, {1})", 2, domain::any, mse(a, b)),
        ETGRAD_FUZZ_OP("bce_with_logits({0}, {1})", "F.binary_cross_entropy_with_logits({0}, {1})", 2, domain::any,
                       bce_with_logits(a, b)),
        ETGRAD_FUZZ_OP("bce(sigmoid({0}), sigmoid({1}))",
                       "F.binary_cross_entropy(torch.sigmoid({0}), torch.sigmoid({1}))", 2, domain::any,
                       bce(sigmoid(a), sigmoid(b))),
        ETGRAD_FUZZ_OP("pow({0}, -2)", "torch.pow({0}, -2)", 1, domain::any, pow(a, -2)),
        ETGRAD_FUZZ_OP("pow({0}, -1)", "torch.pow({0}, -1)", 1, domain::any, pow(a, -1)),
        ETGRAD_FUZZ_OP("pow({0}, 0)", "torch.pow({0}, 0)", 1, domain::any, pow(a, 0)),
        ETGRAD_FUZZ_OP("pow({0}, 3)", "torch.pow({0}, 3)", 1, domain::any, pow(a, 3)),
        ETGRAD_FUZZ_OP("pow({0}, {1})", "torch.pow({0}, {1})", 2, domain::positive, pow(a, b)),
        ETGRAD_FUZZ_OP("clamp({0}, -1.0, 1.0)", "torch.clamp({0}, -1.0, 1.0)", 1, domain::any, clamp(a, -1.0, 1.0)),
        ETGRAD_FUZZ_OP("clamp({0}, {1}, {2})", "torch.clamp({0}, {1}, {2})", 3, domain::any, clamp(a, b, c)),
    };
    return table;
}
#undef ETGRAD_FUZZ_OP

/// A node of a tree: an op over kids, a variable (0, 1, 2 for x, y, z) or a constant.
struct node {
    int op = -1;  // index into ops(), or -1 for a leaf
    int var = -1;
    double constant = 0;
    int kids[3] = {-1, -1, -1};
};

struct tree {
    std::vector<node> nodes;  // kids before their parent; the root last
    int root = -1;
};

class generator {
public:
    explicit generator(std::uint64_t seed) : rng_(seed) {}

    tree make(int depth) {
        for (;;) {
            tree t;
            t.root = expr(t, depth);
            if (mentions_variable(t, t.root)) return t;
        }
    }

private:
    std::mt19937_64 rng_;
    double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    static bool mentions_variable(const tree& t, int i) {
        const node& n = t.nodes[std::size_t(i)];
        if (n.op < 0) return n.var >= 0;
        for (int k : n.kids)
            if (k >= 0 && mentions_variable(t, k)) return true;
        return false;
    }
    int push(tree& t, node n) {
        t.nodes.push_back(n);
        return int(t.nodes.size()) - 1;
    }
    int variable(tree& t) { return push(t, node{-1, pick(3), 0, {-1, -1, -1}}); }
    int leaf(tree& t) {
        static constexpr double constants[] = {0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.0};
        if (uniform() < 0.8) return variable(t);
        return constant(t, constants[pick(7)]);
    }
    /// A copy of the subtree at i: trees, not graphs, as the printed C++ computes them.
    int copy(tree& t, int i) {
        node n = t.nodes[std::size_t(i)];
        for (int& k : n.kids)
            if (k >= 0) k = copy(t, k);
        return push(t, n);
    }
    int with_variable(tree& t, int i) { return mentions_variable(t, i) ? i : variable(t); }
    int op_node(tree& t, int op, int a, int b = -1, int c = -1) { return push(t, node{op, -1, 0, {a, b, c}}); }
    int find(const char* cpp) {
        const auto& table = ops();
        for (std::size_t i = 0; i < table.size(); ++i)
            if (std::strcmp(table[i].cpp, cpp) == 0) return int(i);
        std::abort();
    }
    int positive(tree& t, int depth) {  // a subtree whose value is > 0
        const int x = with_variable(t, expr(t, depth));
        switch (pick(3)) {
            case 0:
                return op_node(t, find("exp({0})"), x);
            case 1:
                return op_node(t, find("sigmoid({0})"), x);
            default:
                return op_node(t, find("softplus({0})"), x);
        }
    }
    int constant(tree& t, double v) { return push(t, node{-1, -1, v, {-1, -1, -1}}); }
    int unit(tree& t, int depth) {  // a subtree whose value is in [-0.9, 0.9], as in fuzz.py
        const int x = with_variable(t, expr(t, depth));
        switch (pick(3)) {
            case 0:
                return op_node(t, find("({0}) * ({1})"), constant(t, 0.9), op_node(t, find("tanh({0})"), x));
            case 1:
                return op_node(t, find("({0}) - ({1})"), op_node(t, find("sigmoid({0})"), x), constant(t, 0.5));
            default:
                return op_node(t, find("({0}) * ({1})"), constant(t, 0.5), op_node(t, find("sin({0})"), x));
        }
    }
    int expr(tree& t, int depth) {
        if (depth <= 0 || uniform() < 0.2) return leaf(t);
        const auto& table = ops();
        const int op = pick(int(table.size()));
        const op_entry& e = table[std::size_t(op)];
        int kids[3] = {-1, -1, -1};
        switch (e.first) {
            case domain::positive:
                kids[0] = positive(t, depth - 1);
                break;
            case domain::unit:
                kids[0] = unit(t, depth - 1);
                break;
            case domain::above_one:
                kids[0] = op_node(t, find("({0}) + ({1})"), constant(t, 1.0), positive(t, depth - 1));
                break;
            default:
                kids[0] = expr(t, depth - 1);
        }
        for (int k = 1; k < e.arity; ++k) kids[k] = expr(t, depth - 1);
        if (e.arity == 3) kids[2] = op_node(t, find("({0}) + ({1})"), copy(t, kids[1]), positive(t, 0));  // lo <= hi
        if (!mentions_variable(t, kids[0]) && (e.arity < 2 || !mentions_variable(t, kids[1]))) kids[0] = variable(t);
        return op_node(t, op, kids[0], kids[1], kids[2]);
    }
};

std::string format(const char* pattern, const std::string (&args)[3]) {
    std::string out;
    for (const char* p = pattern; *p; ++p) {
        if (p[0] == '{' && p[1] >= '0' && p[1] <= '2' && p[2] == '}') {
            out += args[p[1] - '0'];
            p += 2;
        } else {
            out += *p;
        }
    }
    return out;
}
std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}
/// A number as JSON (Python's json reads NaN and Infinity).
std::string json_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    return number(v);
}
/// The subtree at i as C++ (torch = false) or Python with torch (torch = true).
std::string print(const tree& t, int i, bool torch) {
    const node& n = t.nodes[std::size_t(i)];
    if (n.op < 0) {
        if (n.var >= 0) return std::string(1, "xyz"[n.var]);
        return torch ? "K(" + number(n.constant) + ")" : number(n.constant);
    }
    std::string args[3];
    for (int k = 0; k < 3; ++k)
        if (n.kids[k] >= 0) args[k] = print(t, n.kids[k], torch);
    const op_entry& e = ops()[std::size_t(n.op)];
    return format(torch ? e.torch : e.cpp, args);
}

/// The nodes of the subtree at i, kids before parents.
void order(const tree& t, int i, std::vector<int>& out) {
    for (int k : t.nodes[std::size_t(i)].kids)
        if (k >= 0) order(t, k, out);
    out.push_back(i);
}

template <class T>
struct evaluation_of {
    T value = 0;
    T grad[3] = {0, 0, 0};
    T largest_term =
        0;  // the largest |adjoint * partial| summed on the way: where terms cancel, rounding scales with it
};
using evaluation = evaluation_of<double>;

/// The tree on the tape: each op recorded op by op, or (statements) as a static statement; in
/// float64, or with float32 leaves and constants (single), where every result must be float32.
evaluation on_tape(const tree& t, int root, const fuzz::point& p, bool statements, bool single = false) {
    auto make = [single](double v) { return single ? tensor(float(v)) : tensor(v); };
    Tensor leaves[3] = {make(p.a).requires_grad_(), make(p.b).requires_grad_(), make(p.c).requires_grad_()};
    const Tensor unused = make(0.0);  // bound to a statement's variables its op does not use
    std::function<Tensor(int)> eval = [&](int i) -> Tensor {
        const node& n = t.nodes[std::size_t(i)];
        if (n.op < 0) return n.var >= 0 ? leaves[n.var] : make(n.constant);
        Tensor k[3];
        for (int j = 0; j < 3; ++j) k[j] = n.kids[j] >= 0 ? eval(n.kids[j]) : unused;
        const op_entry& e = ops()[std::size_t(n.op)];
        return statements ? e.statement(k[0], k[1], k[2]) : e.tape(k[0], k[1], k[2]);
    };
    Tensor out = eval(root);
    evaluation r;
    r.value = out.item();
    if (out.dtype() != (single ? float32 : float64)) r.value = std::nan("wrong dtype");
    if (out.requires_grad()) out.backward();
    for (int v = 0; v < 3; ++v) r.grad[v] = fuzz::grad_of(leaves[v]);
    return r;
}

/// The tree's gradient by reverse accumulation at run time, each node's value and partials from
/// local(op entry, operand values, value, partials): the op rules (double or float) or d().
template <class T, class Local>
evaluation_of<T> compose(const tree& t, int root, const fuzz::point& p, Local local) {
    std::vector<int> seq;
    order(t, root, seq);
    std::vector<T> value(t.nodes.size()), adjoint(t.nodes.size(), T(0));
    std::vector<std::array<T, 3>> partial(t.nodes.size());
    const T at[3] = {T(p.a), T(p.b), T(p.c)};
    for (int i : seq) {
        const node& n = t.nodes[std::size_t(i)];
        if (n.op < 0) {
            value[std::size_t(i)] = n.var >= 0 ? at[n.var] : T(n.constant);
            continue;
        }
        T kv[3] = {0, 0, 0}, d[3] = {0, 0, 0};
        for (int j = 0; j < 3; ++j)
            if (n.kids[j] >= 0) kv[j] = value[std::size_t(n.kids[j])];
        local(ops()[std::size_t(n.op)], kv, value[std::size_t(i)], d);
        partial[std::size_t(i)] = {d[0], d[1], d[2]};
    }
    evaluation_of<T> r;
    r.value = value[std::size_t(root)];
    adjoint[std::size_t(root)] = T(1);
    for (auto it = seq.rbegin(); it != seq.rend(); ++it) {
        const node& n = t.nodes[std::size_t(*it)];
        if (n.op < 0) {
            if (n.var >= 0) r.grad[n.var] += adjoint[std::size_t(*it)];
            continue;
        }
        for (int j = 0; j < 3; ++j) {
            if (n.kids[j] < 0) continue;
            const T term = adjoint[std::size_t(*it)] * partial[std::size_t(*it)][std::size_t(j)];
            adjoint[std::size_t(n.kids[j])] += term;
            if (std::isfinite(term)) r.largest_term = std::fmax(r.largest_term, std::fabs(term));
        }
    }
    return r;
}
evaluation_of<double> by_rules(const tree& t, int root, const fuzz::point& p) {
    return compose<double>(t, root, p, [](const op_entry& e, const double(&k)[3], double& v, double(&d)[3]) {
        e.rule(k[0], k[1], k[2], v, d);
    });
}

long double exact(const tree& t, int i, const long double (&at)[3]) {
    const node& n = t.nodes[std::size_t(i)];
    if (n.op < 0) return n.var >= 0 ? at[n.var] : static_cast<long double>(n.constant);
    long double k[3] = {0, 0, 0};
    for (int j = 0; j < 3; ++j)
        if (n.kids[j] >= 0) k[j] = exact(t, n.kids[j], at);
    return ops()[std::size_t(n.op)].exact(k[0], k[1], k[2]);
}

/// The central difference of the tree in variable k at p (long double).
bool finite_difference(const tree& t, int root, const fuzz::point& p, int k, double computed, long double& out) {
    using L = long double;
    const L base[3] = {p.a, p.b, p.c};
    auto at = [&](L d) {
        L x[3] = {base[0], base[1], base[2]};
        x[k] += d;
        return exact(t, root, x);
    };
    return fuzz::central_difference(at, base[k], computed, out);
}

/// Checks the subtree at root at every point; prints mismatches when loud.
fuzz::result check(const tree& t, int root, int id, const std::vector<fuzz::point>& points, bool loud,
                   std::ofstream* torch) {
    fuzz::result o;
    const std::string text = print(t, root, false);
    fuzz::reporter rep{id, text.c_str(), o, "xyz", loud};
    auto expect = [&](bool ok, const char* what, const fuzz::point& p, double got, double want) {
        rep.check(ok, what, p, got, want);
    };
    if (torch) *torch << "{\"id\": " << id << ", \"expr\": \"" << print(t, root, true) << "\", \"points\": [";
    bool first = true;
    for (const fuzz::point& p : points) {
        const evaluation tape = on_tape(t, root, p, false), stmt = on_tape(t, root, p, true);
        const evaluation tape32 = on_tape(t, root, p, false, true);
        const evaluation_of<double> rules = by_rules(t, root, p);
        // d() gives pow's partials as the formulas b a^(b-1) and a^b log a; the numeric engines
        // follow PyTorch's pow_backward where a is 0 (0, not 0 * inf) and NaN: there the rule stands
        const auto sym =
            compose<double>(t, root, p, [](const op_entry& e, const double(&k)[3], double& v, double(&d)[3]) {
                const bool pow_convention = std::strncmp(e.cpp, "pow(", 4) == 0 && (k[0] == 0 || std::isnan(k[0]));
                if (pow_convention)
                    e.rule(k[0], k[1], k[2], v, d);
                else
                    e.symbolic(k[0], k[1], k[2], v, d);
            });
        const auto single =
            compose<float>(t, root, p, [](const op_entry& e, const float(&k)[3], float& v, float(&d)[3]) {
                e.rule_float(k[0], k[1], k[2], v, d);
            });
        if (torch) {
            *torch << (first ? "" : ", ") << "[" << json_number(p.a) << ", " << json_number(p.b) << ", "
                   << json_number(p.c) << ", " << json_number(tape.value) << ", " << json_number(tape.grad[0]) << ", "
                   << json_number(tape.grad[1]) << ", " << json_number(tape.grad[2]) << "]";
            first = false;
        }
        expect(fuzz::agree(tape.value, rules.value, 1e-12, 1e-300), "tape value", p, tape.value, rules.value);
        expect(fuzz::agree(stmt.value, rules.value, 1e-12, 1e-300), "tape statement value", p, stmt.value, rules.value);
        double scale = 1.0;
        for (double g : rules.grad) scale = std::fmax(scale, std::fabs(g));
        const double floor = std::isfinite(scale) ? 1e-14 * scale : 1e-300;
        static const char* const tape_names[3] = {"tape d/dx", "tape d/dy", "tape d/dz"};
        static const char* const fd_names[3] = {"finite difference d/dx", "finite difference d/dy",
                                                "finite difference d/dz"};
        static const char* const stmt_names[3] = {"tape statement d/dx", "tape statement d/dy", "tape statement d/dz"};
        static const char* const sym_names[3] = {"symbolic d/dx", "symbolic d/dy", "symbolic d/dz"};
        static const char* const float_names[3] = {"float d/dx", "float d/dy", "float d/dz"};
        static const char* const tape32_names[3] = {"float32 tape d/dx", "float32 tape d/dy", "float32 tape d/dz"};
        const bool finite = std::isfinite(rules.value) && std::isfinite(scale);
        // double computes the value well, so the formulas' different roundings stay small (where
        // it does not, 1 + 1e-13 minus 1, say, no gradient formula is more right than another)
        const long double at_p[3] = {p.a, p.b, p.c};
        const bool conditioned = fuzz::agree(double(exact(t, root, at_p)), rules.value, 1e-11, 1e-13);
        // the float32 tape computes each op in float, as the float rules do: the same value where
        // float computes it well (the constants are rounded to float first on the tape)
        const bool float_conditioned = fuzz::agree(double(single.value), rules.value, 1e-5, 1e-6);
        if (!p.special && finite && conditioned && float_conditioned && std::fabs(rules.value) < 1e3)
            expect(fuzz::agree(tape32.value, rules.value, 1e-4, 1e-5), "float32 tape value", p, tape32.value,
                   rules.value);
        if (std::isnan(tape32.value) && !std::isnan(double(single.value)) && !std::isnan(rules.value))
            expect(false, "float32 tape value (NaN, or a result that is not float32)", p, tape32.value, rules.value);
        for (int k = 0; k < 3; ++k) {
            expect(fuzz::agree(tape.grad[k], rules.grad[k], 1e-12, floor), tape_names[k], p, tape.grad[k],
                   rules.grad[k]);
            expect(fuzz::agree(stmt.grad[k], rules.grad[k], 1e-12, floor), stmt_names[k], p, stmt.grad[k],
                   rules.grad[k]);
            if (p.special || !finite || !conditioned) continue;
            expect(fuzz::agree(sym.grad[k], rules.grad[k], 1e-9, std::fmax(1e-10, 1e-13 * rules.largest_term)),
                   sym_names[k], p, sym.grad[k], rules.grad[k]);
            long double fd = 0;
            const bool smooth = std::fabs(rules.grad[k]) < 1e6 && finite_difference(t, root, p, k, rules.value, fd);
            if (smooth)
                expect(fuzz::agree(double(fd), rules.grad[k], 1e-6, 1e-8), fd_names[k], p, rules.grad[k], double(fd));
            // float against double where float computes the value well and the function is smooth,
            // and float stays in range on the way (no underflow to 0 times an overflow)
            const bool float_range =
                std::isfinite(single.grad[k]) && (rules.grad[k] == 0 || std::fabs(rules.grad[k]) > 1e-20);
            if (smooth && float_conditioned && float_range && std::fabs(rules.grad[k]) < 1e3 &&
                std::fabs(rules.value) < 1e3)
            {
                expect(fuzz::agree(double(single.grad[k]), rules.grad[k], 2e-3,
                                   std::fmax(2e-3, 1e-5 * rules.largest_term)),
                       float_names[k], p, double(single.grad[k]), rules.grad[k]);
                expect(fuzz::agree(tape32.grad[k], rules.grad[k], 2e-3, std::fmax(2e-3, 1e-5 * rules.largest_term)),
                       tape32_names[k], p, tape32.grad[k], rules.grad[k]);
            }
        }
    }
    if (torch) *torch << "]}\n";
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t seed = 1;
    long count = 1000;
    int depth = 3;
    const char* torch_path = nullptr;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--seed"))
            seed = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--count"))
            count = std::strtol(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--depth"))
            depth = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--torch"))
            torch_path = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: %s [--seed N] [--count N] [--depth N] [--torch cases.jsonl]\n", argv[0]);
            return 2;
        }
    }
    std::ofstream torch_file;
    if (torch_path) torch_file.open(torch_path);
    generator gen(seed);
    long passed = 0, failed = 0, failing_cases = 0;
    for (long id = 0; id < count; ++id) {
        const tree t = gen.make(depth);
        const auto points = fuzz::points_for(seed * 1000003u + std::uint64_t(id), 6);
        const fuzz::result o = check(t, t.root, int(id), points, true, torch_path ? &torch_file : nullptr);
        passed += o.checks - o.failures;
        failed += o.failures;
        if (o.failures && failing_cases++ == 0) {
            // the smallest failing subtree: a minimal reproducer
            std::vector<int> seq;
            order(t, t.root, seq);
            int best = -1;
            std::size_t best_size = 0;
            for (int i : seq) {
                std::vector<int> sub;
                order(t, i, sub);
                if ((best < 0 || sub.size() < best_size) && check(t, i, int(id), points, false, nullptr).failures) {
                    best = i;
                    best_size = sub.size();
                }
            }
            if (best >= 0) std::printf("smallest failing subtree of case %ld: %s\n", id, print(t, best, false).c_str());
        }
    }
    std::printf("seed %llu, %ld expressions:\n%ld passed, %ld failed\n", static_cast<unsigned long long>(seed), count,
                passed, failed);
    return failed ? 1 : 0;
}
