// The tape under long loops, kept tensors, other threads, in-place changes and program exit
// (also run under AddressSanitizer/UBSan and ThreadSanitizer).
#include <cmath>
#include <cstdint>
#include <exception>
#include <future>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

namespace {
// Tensors with static storage duration die after the main thread's tape: their records must
// be released cleanly then (the sanitizer runs would report a use after free).
Tensor global_parameter = tensor(2.0, requires_grad);
Tensor& global_product() {
    static Tensor p = global_parameter * global_parameter;  // a recorded tensor alive at exit
    return p;
}

std::size_t tape_statements() { return detail::state().count; }
/// Runs f on a thread of its own, with a tape of its own: the recorded global above keeps the
/// graph of the thread that first used it live until exit, so that thread's tape never resets.
template <class F>
void on_fresh_thread(F f) {
    std::exception_ptr error;
    std::thread t([&] {
        try {
            f();
        } catch (...) {
            error = std::current_exception();
        }
    });
    t.join();
    if (error) std::rethrow_exception(error);
}
std::size_t tape_blocks_in_use() { return detail::state().tape.current + 1; }
}  // namespace

TEST_CASE("a global parameter and a recorded global outlive the thread's tape", "[tape][reliability]") {
    Tensor l = global_parameter * 3.0;
    l.backward();
    CHECK(global_parameter.grad().item() == 3.0);
    CHECK(global_product().item() == 4.0);
    CHECK(global_product().grad_fn() == "MulBackward0");
}

TEST_CASE("a training loop that keeps detached losses, the first loss and a detached prediction stays flat",
          "[tape][reliability]") {
    on_fresh_thread([] {
        Tensor w = tensor(0.5, requires_grad), b = tensor(0.0, requires_grad);
        std::vector<Tensor> history;
        Tensor first, last_pred;
        const int steps = 100000;
        history.reserve(steps);
        for (int step = 0; step < steps; ++step) {
            const double x = double(step % 7) / 7.0, y = 2.0 * x + 1.0;
            Tensor pred = w * x + b;
            Tensor loss = pow(pred - y, 2);
            if (step == 0) first = loss;  // kept before backward: backward frees its graph
            loss.backward();
            if (tape_statements() != 0) FAIL("the tape was not reset by backward at step " << step);
            history.push_back(loss.detach());
            last_pred = pred.detach();
            {
                no_grad_guard guard;
                w -= 0.1 * w.grad();
                b -= 0.1 * b.grad();
            }
            w.grad().zero_();
            b.grad().zero_();
        }
        CHECK(tape_blocks_in_use() == 1);
        CHECK(history.back().item() < 1e-12);  // converged to w = 2, b = 1
        CHECK_THAT(w.item(), WithinAbs(2.0, 1e-5));
        CHECK(first.grad_fn() == "PowBackward0");
        CHECK_THROWS_WITH(first.backward(), etgrad_test::contains("backward through the graph a second time"));
    });
}

TEST_CASE("a loop that evaluates losses without backward and drops them stays flat", "[tape][reliability]") {
    on_fresh_thread([] {
        Tensor w = tensor(0.5, requires_grad);
        double total = 0;
        for (int step = 0; step < 100000; ++step) {
            Tensor loss = sin(w * double(step)) + w;
            total += loss.item();
        }
        CHECK(tape_statements() == 0);
        CHECK(tape_blocks_in_use() == 1);
        CHECK(std::isfinite(total));
    });
}

TEST_CASE("a loop that evaluates losses on whole tensors without backward and drops them stays flat",
          "[tape][reliability]") {
    on_fresh_thread([] {
        Tensor X = tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
        Tensor y = tensor({1.0, 0.0, 1.0});
        Tensor w = tensor({0.5, -0.25}, requires_grad);
        double total = 0;
        for (int step = 0; step < 20000; ++step) {
            // ops on whole tensors: each op's node holds the intermediate before it as an input
            Tensor z = matmul(X, w) * double(step % 5);
            Tensor loss = mean(pow(z - y, 2)) + sum(sum(X * w, 1, true));
            total += loss.item();
        }
        CHECK(tape_statements() == 0);
        CHECK(tape_blocks_in_use() == 1);
        CHECK(std::isfinite(total));
    });
}

TEST_CASE("200,000 detach-and-require steps and a 200,000-statement graph need no deep recursion",
          "[tape][reliability]") {
    on_fresh_thread([] {
        Tensor x = tensor(1.0, requires_grad);
        for (int k = 0; k < 200000; ++k) x = (x * 1.0).detach().requires_grad_();
        CHECK(x.item() == 1.0);
        Tensor y = x;
        for (int k = 0; k < 200000; ++k) y = y * 1.0 + 0.0;
        y.backward();
        CHECK(x.grad().item() == 1.0);
        x = Tensor{};
        y = Tensor{};
        CHECK(tape_statements() == 0);
    });
}

TEST_CASE("a tensor changed in place after an op saved it refuses backward, as PyTorch's version counter does",
          "[tape][reliability]") {
    Tensor X = tensor({{1.0, 2.0}, {3.0, 4.0}});
    Tensor w = tensor({0.5, -0.5}, requires_grad);
    Tensor y = sum(matmul(X, w));
    {
        no_grad_guard guard;
        X *= 2.0;  // matmul's backward would read the new values
    }
    CHECK_THROWS_WITH(y.backward(), etgrad_test::contains("modified by an inplace operation"));
    CHECK_FALSE(w.grad().defined());  // nothing was accumulated
    // an in-place change before the op is fine
    Tensor y2 = sum(matmul(X, w));
    y2.backward();
    CHECK(w.grad().to_vector() == std::vector<double>{8.0, 12.0});
    // a leaf that requires grad refuses in-place changes while recording
    CHECK_THROWS_WITH(w += 1.0, etgrad_test::contains("leaf Variable that requires grad"));
    CHECK_THROWS_WITH(w.zero_(), etgrad_test::contains("leaf Variable that requires grad"));
}

TEST_CASE("a tensor used on another thread than its own is refused, never corrupted", "[tape][reliability][threads]") {
    Tensor w = tensor(3.0, requires_grad);
    Tensor y = w * w;
    std::string op_error, copy_error, backward_error;
    double read = 0;
    std::thread t([&] {
        read = w.item();  // reading values is allowed
        try {
            Tensor z = y * 2.0;
        } catch (const autograd_error& e) {
            op_error = e.what();
        }
        try {
            Tensor copy = w;
        } catch (const autograd_error& e) {
            copy_error = e.what();
        }
        try {
            y.backward();
        } catch (const autograd_error& e) {
            backward_error = e.what();
        }
    });
    t.join();
    CHECK(read == 3.0);
    CHECK_THAT(op_error, etgrad_test::contains("thread other than the one that made it"));
    CHECK_THAT(copy_error, etgrad_test::contains("thread other than the one that made it"));
    CHECK_THAT(backward_error, etgrad_test::contains("thread other than the one that made it"));
    y.backward();  // still whole on its own thread
    CHECK(w.grad().item() == 6.0);
}

TEST_CASE("tensors handed to another thread die there safely, before or after their thread ends",
          "[tape][reliability][threads]") {
    // made on a worker that has ended by the time the main thread drops them
    std::promise<std::vector<Tensor>> made;
    auto future = made.get_future();
    std::thread maker([&made] {
        Tensor a = tensor(2.0, requires_grad);
        Tensor b = a * a;  // a recorded tensor: its thread's tape must outlive it
        std::vector<Tensor> out;
        out.push_back(std::move(a));
        out.push_back(std::move(b));
        made.set_value(std::move(out));
    });
    maker.join();
    std::vector<Tensor> got = future.get();
    CHECK(got[1].item() == 4.0);
    got.clear();  // released on this thread, after their own has ended
    // made here, dropped by a worker while this thread goes on recording
    for (int round = 0; round < 3; ++round) {
        Tensor x = tensor(1.5, requires_grad);
        Tensor y = sin(x) * x;
        std::thread dropper([h = std::move(y)]() mutable { h = Tensor{}; });
        dropper.join();
        Tensor z = x * 4.0;
        z.backward();  // the dropped record is released on this thread first
        CHECK(x.grad().item() == 4.0);
    }
}

TEST_CASE("a loop that keeps extending one statement stops extending it at a bounded size", "[tape][reliability]") {
    on_fresh_thread([] {
        std::vector<Tensor> xs;
        for (int k = 0; k < 64; ++k) xs.push_back(tensor(1.0 + k, requires_grad));
        Tensor acc = xs[0] * 1.0;
        for (int k = 0; k < 100000; ++k) acc = std::move(acc) + xs[std::size_t(k % 64)];  // each step could fold
        CHECK(tape_statements() >= 100000 / 32);  // a new statement at least every 32 pairs: linear, not quadratic
        acc.backward();
        CHECK(xs[0].grad().item() == double(100000 / 64 + 1 + 1));  // its 1563 additions and the first product
        CHECK(xs[63].grad().item() == double(100000 / 64));
    });
}

TEST_CASE("an input used twice in one statement is one pair where that is exact for every adjoint",
          "[tape][reliability]") {
    on_fresh_thread([] {
        Tensor x = tensor(1.0, requires_grad);
        {
            Tensor acc = x * 1.0;
            for (int k = 0; k < 100000; ++k) acc = std::move(acc) + x;  // partials of one sign: one pair
            CHECK(tape_statements() == 2);                               // x's registration and one statement
            acc.backward();
            CHECK(x.grad().item() == 100001.0);
        }
        const double inf = std::numeric_limits<double>::infinity();
        // partials of opposite signs (or zero) stay apart: an infinite adjoint then gives NaN, as in
        // PyTorch (inf * -3 + inf * 1), where their sum would give -inf
        for (double c : {-3.0, 0.0}) {
            Tensor t = tensor(0.5, requires_grad);
            Tensor y = t + t * c;
            y.backward(tensor(inf));
            CHECK(std::isnan(t.grad().item()));
            Tensor u = tensor(0.5, requires_grad);
            Tensor z = u * c + u;  // the same, folded the other way round
            z.backward(tensor(inf));
            CHECK(std::isnan(u.grad().item()));
        }
        Tensor t = tensor(0.5, requires_grad);
        Tensor y = t + t * 3.0;  // one sign: one pair, inf either way
        y.backward(tensor(inf));
        CHECK(t.grad().item() == inf);
        Tensor v = tensor(-2.0, requires_grad);
        Tensor sq = v * v;  // one input twice in one op: partials -2 and -2, one pair of -4
        sq.backward();
        CHECK(v.grad().item() == -4.0);
        Tensor zero = tensor(0.0, requires_grad);
        Tensor sq0 = zero * zero;  // partials 0 and 0 stay apart: inf * 0 + inf * 0 is NaN
        sq0.backward(tensor(inf));
        CHECK(std::isnan(zero.grad().item()));
    });
}
