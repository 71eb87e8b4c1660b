// The tape's PyTorch semantics: the classic autograd programs with PyTorch's results, then the rules.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <thread>

#include <etgrad/tape.hpp>
#include <etgrad/optim.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
std::string str(const Tensor& t) {
    std::ostringstream os;
    os << t;
    return os.str();
}
double round4(double v) { return std::round(v * 1e4) / 1e4; }
}  // namespace

TEST_CASE("y = x**2; y.backward(); x.grad is 6, printed as PyTorch prints", "[tape][pytorch]") {
    Tensor x = tensor(3.0, requires_grad);
    Tensor y = pow(x, 2);
    CHECK(str(x) == "tensor(3., requires_grad=True)");
    CHECK(str(y) == "tensor(9., grad_fn=<PowBackward0>)");
    CHECK(y.grad_fn() == "PowBackward0");
    CHECK(x.grad_fn().empty());
    CHECK(!x.grad().defined());
    y.backward();
    CHECK(x.grad().item() == 6.0);
    CHECK(str(x.grad()) == "tensor(6.)");
}

TEST_CASE("z = sin(x**2): x.grad -5.4668 at 3, -7.6613 at 4", "[tape][pytorch]") {
    for (auto [at, expected] : {std::pair{3.0, -5.466781571308061}, std::pair{4.0, -7.661275842587077}}) {
        Tensor x = tensor(at, requires_grad);
        Tensor z = sin(pow(x, 2));
        CHECK(z.grad_fn() == "SinBackward0");
        z.backward();
        CHECK_THAT(x.grad().item(), WithinRel(expected, 1e-12));
    }
    Tensor x = tensor(3.0, requires_grad);
    Tensor z = sin(x * x);
    CHECK(str(z) == "tensor(0.4121, grad_fn=<SinBackward0>)");
    z.backward();
    CHECK(str(x.grad()) == "tensor(-5.4668)");
}

TEST_CASE("the neuron on the tape: loss 6.7012, dw 6.6918, db 0.9988", "[tape][pytorch]") {
    Tensor x = tensor(6.7), y = tensor(0.0);
    Tensor w = tensor(1.0, requires_grad), b = tensor(0.0, requires_grad);
    CHECK(str(w) == "tensor(1., requires_grad=True)");
    SECTION("with a hand-written clamped BCE built from tape ops") {
        Tensor z = w * x + b;
        CHECK(str(z) == "tensor(6.7000, grad_fn=<AddBackward0>)");
        Tensor p = sigmoid(z);
        CHECK(str(p) == "tensor(0.9988, grad_fn=<SigmoidBackward0>)");
        Tensor pc = clamp(p, 1e-8, 1 - 1e-8);
        CHECK(pc.grad_fn() == "ClampBackward1");
        Tensor loss = -(y * log(pc) + (1.0 - y) * log(1.0 - pc));
        CHECK(str(loss) == "tensor(6.7012, grad_fn=<NegBackward0>)");
        loss.backward();
        CHECK(round4(w.grad().item()) == 6.6918);
        CHECK(round4(b.grad().item()) == 0.9988);
        const double pv = 1 / (1 + std::exp(-6.7));
        CHECK_THAT(w.grad().item(), WithinRel((pv - 0.0) * 6.7, 1e-12));
    }
    SECTION("with bce") {
        Tensor loss = bce(sigmoid(w * x + b), y);
        CHECK(loss.grad_fn() == "BinaryCrossEntropyBackward0");
        CHECK(round4(loss.item()) == 6.7012);
        loss.backward();
        CHECK(round4(w.grad().item()) == 6.6918);
        CHECK(round4(b.grad().item()) == 0.9988);
    }
    SECTION("with a static expression recorded as one node") {
        constexpr auto W = var<"w">;
        constexpr auto B = var<"b">;
        constexpr auto X = var<"x">;
        constexpr auto Y = var<"y">;
        Tensor loss = bce(sigmoid(W * X + B), Y)(W = w, B = b, X = x, Y = y);
        CHECK(loss.grad_fn() == "ExprBackward0");
        loss.backward();
        CHECK(round4(loss.item()) == 6.7012);
        CHECK(round4(w.grad().item()) == 6.6918);
        CHECK(round4(b.grad().item()) == 0.9988);
    }
}

TEST_CASE("mean(x**2) over [1, 2, 3]: gradient [0.6667, 1.3333, 2.0]", "[tape][pytorch]") {
    Tensor x = tensor({1.0, 2.0, 3.0}, requires_grad);
    CHECK(str(x) == "tensor([1., 2., 3.], requires_grad=True)");
    Tensor y = mean(pow(x, 2));
    CHECK(str(y) == "tensor(4.6667, grad_fn=<MeanBackward0>)");
    y.backward();
    CHECK(str(x.grad()) == "tensor([0.6667, 1.3333, 2.0000])");
    const auto g = x.grad().to_vector();
    CHECK_THAT(g[0], WithinRel(2.0 / 3, 1e-15));
    CHECK_THAT(g[2], WithinRel(2.0, 1e-15));
    x.grad().zero_();
    CHECK(str(x.grad()) == "tensor([0., 0., 0.])");
}

TEST_CASE("gradients accumulate until zeroed; grad() shares storage", "[tape][rules]") {
    Tensor x = tensor(3.0, requires_grad);
    for (int i = 1; i <= 3; ++i) {
        Tensor y = x * x;
        y.backward();
        CHECK(x.grad().item() == 6.0 * i);
    }
    Tensor g = x.grad();
    g.zero_();  // in place: x.grad() sees it
    CHECK(x.grad().item() == 0.0);
    Tensor y = x * x;
    y.backward();
    CHECK(x.grad().item() == 6.0);
    optim::sgd opt({x}, 0.1);
    opt.zero_grad();
    CHECK(x.grad().item() == 0.0);
}

TEST_CASE("the graph is freed after backward unless retained", "[tape][rules]") {
    Tensor x = tensor(3.0, requires_grad);
    Tensor y = x * x;
    Tensor z = sin(y);
    z.backward();
    CHECK_THROWS_AS(z.backward(), autograd_error);
    try {
        z.backward();
    } catch (const autograd_error& e) {
        CHECK(std::string(e.what()).find("backward through the graph a second time") != std::string::npos);
        CHECK(std::string(e.what()).find("retain_graph") != std::string::npos);
    }
    CHECK_THROWS_AS(y.backward(), autograd_error);  // y's node was part of the freed graph, as in PyTorch
    CHECK_THAT(x.grad().item(), WithinRel(-5.466781571308061, 1e-12));  // unchanged by the failures

    Tensor a = tensor(2.0, requires_grad);
    Tensor q = a * a * a;
    q.backward(retain_graph);
    q.backward();  // allowed once more
    CHECK(a.grad().item() == 24.0);
    CHECK_THROWS_AS(q.backward(), autograd_error);
    // a handle stays valid after its graph is freed
    CHECK(q.item() == 8.0);
}

TEST_CASE("PyTorch's messages for backward misuse", "[tape][rules]") {
    Tensor plain = tensor(3.0);
    try {
        (plain * 2.0).backward();
        FAIL("no error");
    } catch (const autograd_error& e) {
        CHECK(std::string(e.what()) == "element 0 of tensors does not require grad and does not have a grad_fn");
    }
    Tensor v = tensor({1.0, 2.0}, requires_grad);
    try {
        (v * v).backward();
        FAIL("no error");
    } catch (const autograd_error& e) {
        CHECK(std::string(e.what()) == "grad can be implicitly created only for scalar outputs");
    }
    Tensor vv = v * v;
    vv.backward(tensor({1.0, 1.0}));  // with an explicit gradient it works
    CHECK(v.grad().to_vector() == std::vector<double>{2.0, 4.0});
}

TEST_CASE("only leaves keep .grad; retain_grad keeps a non-leaf's", "[tape][rules]") {
    Tensor x = tensor(2.0, requires_grad);
    Tensor h = x * x;
    Tensor k = x * x;
    k.retain_grad();
    Tensor y = h * 3.0 + k * 5.0;
    CHECK(x.is_leaf());
    CHECK(!h.is_leaf());
    CHECK(h.requires_grad());
    CHECK(h.grad_fn() == "MulBackward0");
    y.backward();
    CHECK(!h.grad().defined());
    CHECK(k.grad().item() == 5.0);
    CHECK(x.grad().item() == 3.0 * 4 + 5.0 * 4);
}

TEST_CASE("tensor adjoints across passes: two consumers, broadcasting, retained graphs, retain_grad, seeds",
          "[tape][rules]") {
    // Each pass starts every tensor adjoint afresh (its first writer stores, later ones add):
    // the gradients of a second pass through a retained graph add to the first's exactly.
    const std::vector<double> xv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, bv{0.5, 1, 1.5, 2};
    Tensor x = from_vector(xv, {3, 4}).requires_grad_();
    Tensor b = from_vector(bv, {4}).requires_grad_();
    Tensor y = x * 2.0 + b;  // b broadcast down the rows
    y.retain_grad();
    Tensor z = sum(y * y) + sum(y) + mean(x);  // y read by two ops, x by two
    std::vector<double> dy(12), dx(12), db(4, 0.0);
    for (std::size_t k = 0; k < 12; ++k) {
        dy[k] = 2 * (2 * xv[k] + bv[k % 4]) + 1;
        dx[k] = 2 * dy[k] + 1.0 / 12;
        db[k % 4] += dy[k];
    }
    for (int pass = 1; pass <= 3; ++pass) {
        CAPTURE(pass);
        if (pass < 3) z.backward(retain_graph);
        else z.backward();
        const std::vector<double> gx = x.grad().to_vector(), gb = b.grad().to_vector(), gy = y.grad().to_vector();
        for (std::size_t k = 0; k < 12; ++k) {
            CHECK_THAT(gx[k], WithinRel(pass * dx[k], 1e-15));
            CHECK_THAT(gy[k], WithinRel(pass * dy[k], 1e-15));
        }
        for (std::size_t j = 0; j < 4; ++j) CHECK_THAT(gb[j], WithinRel(pass * db[j], 1e-15));
    }
    CHECK_THROWS_AS(z.backward(), autograd_error);  // freed after the third pass
    // a tensor root with a seed, twice through the retained graph, then once more after zeroing
    x.grad().zero_();
    Tensor w = x * 3.0;
    const Tensor seed = full({3, 4}, 0.5);
    w.backward(seed, retain_graph);
    w.backward(seed, retain_graph);
    for (double g : x.grad().to_vector()) CHECK(g == 3.0);
    x.grad().zero_();
    w.backward(seed);
    for (double g : x.grad().to_vector()) CHECK(g == 1.5);
}

TEST_CASE("a sum's or a mean's adjoint, one value for every element, read by every kind of consumer",
          "[tape][rules]") {
    // mean(y) gives y's adjoint as one value; a broadcasting op, a second writer, retain_grad
    // and a retained graph must each see it element by element.
    const std::vector<double> xv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, bv{0.5, 1, 1.5, 2};
    Tensor x = from_vector(xv, {3, 4}).requires_grad_();
    Tensor b = from_vector(bv, {4}).requires_grad_();
    SECTION("a broadcast input, retain_grad, three passes") {
        Tensor y = x * b;  // b broadcast down the rows: its step needs adj element by element
        y.retain_grad();
        Tensor z = mean(y);
        for (int pass = 1; pass <= 3; ++pass) {
            CAPTURE(pass);
            if (pass < 3) z.backward(retain_graph);
            else z.backward();
            const std::vector<double> gx = x.grad().to_vector(), gb = b.grad().to_vector(), gy = y.grad().to_vector();
            for (std::size_t k = 0; k < 12; ++k) {
                CHECK_THAT(gx[k], WithinRel(pass * bv[k % 4] / 12, 1e-15));
                CHECK_THAT(gy[k], WithinRel(pass / 12.0, 1e-15));
            }
            for (std::size_t j = 0; j < 4; ++j)
                CHECK_THAT(gb[j], WithinRel(pass * (xv[j] + xv[j + 4] + xv[j + 8]) / 12, 1e-14));
        }
    }
    SECTION("retain_grad on a same-shape step, which reads the one value") {
        Tensor y = x * 2.0;
        y.retain_grad();
        sum(y).backward();
        for (double g : y.grad().to_vector()) CHECK(g == 1.0);
        for (double g : x.grad().to_vector()) CHECK(g == 2.0);
    }
    SECTION("the uniform writer first, then one that adds; and the other order") {
        for (bool mean_last : {true, false}) {
            CAPTURE(mean_last);
            if (x.grad().defined()) x.grad().zero_();
            Tensor y = x * 2.0;
            Tensor a, c;
            if (mean_last) {  // mean's step runs first in the reverse pass: y's adjoint uniform, then added to
                c = sum(y * y);
                a = mean(y);
            } else {
                a = mean(y);
                c = sum(y * y);
            }
            Tensor z = a + c;
            z.backward();
            const std::vector<double> gx = x.grad().to_vector();
            for (std::size_t k = 0; k < 12; ++k) CHECK_THAT(gx[k], WithinRel(2 * (1.0 / 12 + 2 * (2 * xv[k])), 1e-15));
        }
    }
    SECTION("a sum of a sum: two uniform adjoints in a chain, then a same-shape step") {
        Tensor y = exp(x * 0.1);
        Tensor z = sum(y * 3.0) * 2.0;
        z.backward();
        const std::vector<double> gx = x.grad().to_vector();
        for (std::size_t k = 0; k < 12; ++k) CHECK_THAT(gx[k], WithinRel(6 * 0.1 * std::exp(0.1 * xv[k]), 1e-14));
    }
}

TEST_CASE("three ways to stop tracking: requires_grad_(false), detach(), no_grad_guard", "[tape][rules]") {
    Tensor x = tensor({1.0, 2.0, 3.0}, requires_grad);
    SECTION("requires_grad_(false) in place") {
        x.requires_grad_(false);
        CHECK(str(x) == "tensor([1., 2., 3.])");
        Tensor y = x * x;
        CHECK(!y.requires_grad());
        CHECK(y.grad_fn().empty());
        Tensor nonleaf = tensor(1.0, requires_grad) * 2.0;
        CHECK_THROWS_AS(nonleaf.requires_grad_(false), autograd_error);
    }
    SECTION("detach() shares storage and has no history") {
        Tensor y = x * 2.0;
        Tensor d = y.detach();
        CHECK(!d.requires_grad());
        CHECK(d.is_leaf());
        CHECK(str(d) == "tensor([2., 4., 6.])");
        d.zero_();  // shared storage
        CHECK(y.to_vector() == std::vector<double>{0.0, 0.0, 0.0});
    }
    SECTION("no_grad_guard: nothing is recorded inside its scope; nestable; per thread") {
        {
            no_grad_guard guard;
            Tensor q = x * x;
            CHECK(!q.requires_grad());
            {
                no_grad_guard inner;
            }
            Tensor r = x * x;
            CHECK(!r.requires_grad());  // still off after the inner guard ends
            bool other_thread_records = false;
            std::thread t([&] {
                Tensor a = tensor(1.0, requires_grad);
                other_thread_records = (a * a).requires_grad();
            });
            t.join();
            CHECK(other_thread_records);
        }
        CHECK((x * x).requires_grad());
    }
}

TEST_CASE("ranks 0, 1, 2 with broadcasting, reductions, dot and matmul", "[tape][shapes]") {
    Tensor X = tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, requires_grad);  // (3, 2)
    Tensor w = tensor({0.5, -1.0}, requires_grad);                           // (2)
    Tensor s = tensor(2.0, requires_grad);                                   // ()
    Tensor y = X * w + s;  // (3, 2) with (2) and ()
    CHECK(y.shape() == std::vector<std::int64_t>{3, 2});
    CHECK(y.to_vector() == std::vector<double>{2.5, 0.0, 3.5, -2.0, 4.5, -4.0});
    sum(y).backward();
    CHECK(w.grad().to_vector() == std::vector<double>{9.0, 12.0});  // summed over the broadcast rows
    CHECK(s.grad().item() == 6.0);
    CHECK(X.grad().to_vector() == std::vector<double>{0.5, -1.0, 0.5, -1.0, 0.5, -1.0});

    Tensor m = matmul(X, w);  // (3, 2) @ (2) -> (3)
    CHECK(m.grad_fn() == "MvBackward0");
    CHECK(m.to_vector() == std::vector<double>{-1.5, -2.5, -3.5});
    X.grad().zero_();
    w.grad().zero_();
    sum(m).backward();
    CHECK(w.grad().to_vector() == std::vector<double>{9.0, 12.0});
    CHECK(X.grad().to_vector() == std::vector<double>{0.5, -1.0, 0.5, -1.0, 0.5, -1.0});

    Tensor A = tensor({{1.0, 2.0}, {3.0, 4.0}}, requires_grad);
    Tensor B = tensor({{0.0, 1.0}, {1.0, 0.0}}, requires_grad);
    Tensor C = matmul(A, B);
    CHECK(C.grad_fn() == "MmBackward0");
    CHECK(C.to_vector() == std::vector<double>{2.0, 1.0, 4.0, 3.0});
    mean(C).backward();
    CHECK(A.grad().to_vector() == std::vector<double>{0.25, 0.25, 0.25, 0.25});
    CHECK(B.grad().to_vector() == std::vector<double>{1.0, 1.0, 1.5, 1.5});

    Tensor a = tensor({1.0, 2.0, 3.0}, requires_grad), b = tensor({4.0, 5.0, 6.0}, requires_grad);
    Tensor dt = dot(a, b);
    CHECK(dt.grad_fn() == "DotBackward0");
    CHECK(dt.item() == 32.0);
    dt.backward();
    CHECK(a.grad().to_vector() == std::vector<double>{4.0, 5.0, 6.0});

    Tensor cs = sum(X, 0);
    CHECK(cs.grad_fn() == "SumBackward1");
    CHECK(cs.to_vector() == std::vector<double>{9.0, 12.0});
    Tensor rm = mean(X, 1);
    CHECK(rm.grad_fn() == "MeanBackward1");
    CHECK(rm.to_vector() == std::vector<double>{1.5, 3.5, 5.5});
    X.grad().zero_();
    sum(rm).backward();
    CHECK(X.grad().to_vector() == std::vector<double>{0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
    CHECK(str(tensor({{1.0, 2.5}, {3.0, 4.0}})) == "tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])");
}

TEST_CASE("shape mismatches throw shape_error naming both shapes; the tape stays usable", "[tape][shapes]") {
    Tensor a = tensor({1.0, 2.0, 3.0}, requires_grad), b = tensor({1.0, 2.0}, requires_grad);
    try {
        Tensor c = a + b;
        FAIL("no error");
    } catch (const shape_error& e) {
        const std::string m = e.what();
        CHECK(m.find("[3]") != std::string::npos);
        CHECK(m.find("[2]") != std::string::npos);
        CHECK(m.find("must match") != std::string::npos);
    }
    CHECK_THROWS_AS(matmul(tensor({{1.0, 2.0}}), tensor({1.0, 2.0, 3.0})), shape_error);
    CHECK_THROWS_AS(dot(a, from_vector({1.0}, {1, 1})), shape_error);
    // the failed ops recorded nothing; the tape still works
    Tensor y = sum(a * a);
    y.backward();
    CHECK(a.grad().to_vector() == std::vector<double>{2.0, 4.0, 6.0});
}

TEST_CASE("printing follows PyTorch's defaults", "[tape][print]") {
    CHECK(str(tensor(6.7)) == "tensor(6.7000)");
    CHECK(str(tensor(3.0)) == "tensor(3.)");
    CHECK(str(tensor({1.0, 10.0, 100.0})) == "tensor([  1.,  10., 100.])");
    CHECK(str(tensor({0.5, 12.25})) == "tensor([ 0.5000, 12.2500])");
    CHECK(str(tensor(1e-5)) == "tensor(1.0000e-05)");
    CHECK(str(tensor({1.0, 12345.5})) == "tensor([1.0000e+00, 1.2346e+04])");
    CHECK(str(tensor(-5.4668)) == "tensor(-5.4668)");
    CHECK(str(Tensor{}) == "None");
}

TEST_CASE("backward into a freed subgraph throws and leaves the tape usable", "[tape][rules]") {
    Tensor x = tensor(3.0, requires_grad);
    Tensor y = x * x;
    Tensor z = sin(y);  // recorded before y.backward() frees y's node
    y.backward();
    CHECK(x.grad().item() == 6.0);
    CHECK_THROWS_AS(z.backward(), autograd_error);  // z's graph runs into the freed node
    CHECK(x.grad().item() == 6.0);                  // nothing was accumulated
    Tensor fresh = x * 2.0;
    fresh.backward();
    CHECK(x.grad().item() == 8.0);
}

TEST_CASE("a 20,000-op graph is built, differentiated and freed in constant stack", "[tape][rules]") {
    Tensor w = tensor(0.001, requires_grad), x0 = tensor(0.5, requires_grad);
    Tensor x = x0;
    for (int k = 0; k < 10000; ++k) x = x + w * x;  // x_K = x0 (1 + w)^K
    x.backward();
    CHECK_THAT(x.item(), WithinRel(0.5 * std::pow(1.001, 10000), 1e-10));
    CHECK_THAT(x0.grad().item(), WithinRel(std::pow(1.001, 10000), 1e-10));
    CHECK_THAT(w.grad().item(), WithinRel(0.5 * 10000 * std::pow(1.001, 9999), 1e-10));
    // and a graph dropped without backward is freed by the last handle, also iteratively
    Tensor y = x0;
    for (int k = 0; k < 20000; ++k) y = y * 1.0 + w;
    y = Tensor{};
    CHECK(detail::state().count == 0);  // no record of an unfreed statement is left: the tape is reset
    x = Tensor{};
}

TEST_CASE("records that outlive their graph, and a retained non-leaf that dies first", "[tape][rules]") {
    Tensor d;
    {
        Tensor x = tensor(2.0, requires_grad);
        Tensor y = x * x;
        d = y.detach();  // shares y's storage, not its history
        y.backward();
        CHECK(x.grad().item() == 4.0);
    }
    CHECK(detail::state().count == 0);  // y's graph was freed by backward: the tape is reset
    for (int k = 0; k < 3; ++k) {  // new graphs while the old record is alive: it keeps its value
        Tensor z = tensor(1.0, requires_grad);
        Tensor u = sin(z) * d;
        u.backward();
        CHECK_THAT(z.grad().item(), WithinRel(std::cos(1.0) * 4.0, 1e-15));
    }
    CHECK(d.item() == 4.0);
    d = Tensor{};
    CHECK(detail::state().count == 0);

    Tensor x = tensor(0.5, requires_grad);
    Tensor z;
    {
        Tensor y = x * 3.0;
        y.retain_grad();
        z = sin(y);
    }  // y's handle dies: there is no record to retain a gradient in any more
    z.backward();
    CHECK_THAT(x.grad().item(), WithinRel(3.0 * std::cos(1.5), 1e-15));
    Tensor y2 = x * 3.0;  // the same op again retains into its own record
    y2.retain_grad();
    sin(y2).backward();
    CHECK_THAT(y2.grad().item(), WithinRel(std::cos(1.5), 1e-15));
}

TEST_CASE("a scalar leaf and its gradient are released together, unless the gradient is held", "[tape][memory]") {
    auto& pool = detail::state().impls;
    const std::size_t before = pool.live;
    {
        Tensor x = tensor(3.0, requires_grad);
        (x * x).backward();
        CHECK(x.grad().item() == 6.0);
    }
    CHECK(pool.live == before);  // the leaf and its gradient record both went back
    Tensor g, v;
    {
        Tensor x = tensor(3.0, requires_grad);
        (x * x).backward();
        g = x.grad();  // a handle to the gradient: it outlives the leaf
        Tensor y = tensor(2.0, requires_grad);
        (y * y * y).backward();
        v = y.grad().view({1});  // a view of a gradient keeps its storage
    }
    CHECK(pool.live == before + 3);  // g's record, v and the storage v views
    CHECK(g.item() == 6.0);
    CHECK(v.to_vector() == std::vector<double>{12.0});
    g = Tensor{};
    v = Tensor{};
    CHECK(pool.live == before);
}

TEST_CASE("large tensors reuse their storage across steps, never its old contents", "[tape][memory]") {
    const std::int64_t n = 40000;  // above the size whose buffers are kept for reuse
    for (int step = 1; step <= 3; ++step) {
        Tensor x = from_vector(std::vector<double>(std::size_t(n), 1.0), {n}).requires_grad_();
        Tensor y = sum(x * double(step));  // the product's buffer and partials are reused
        y.backward();
        const auto g = x.grad().to_vector();  // a reused gradient buffer starts at zero
        CHECK(y.item() == double(n * step));
        CHECK(g.front() == double(step));
        CHECK(g.back() == double(step));
        CHECK(std::count(g.begin(), g.end(), double(step)) == n);
    }
    CHECK(detail::state().count == 0);
}
