// PyTorch's autograd on etgrad's tape: the same programs, the same results, each checked.
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>

#include <etgrad/tape.hpp>

#include "side_by_side.hpp"

namespace {
void shows(const char* label, const etgrad::Tensor& t, const std::string& pytorch) {
    std::ostringstream os;
    os << t;
    const bool ok = os.str() == pytorch;
    std::printf("  %-26s %-44s %s\n", label, os.str().c_str(), ok ? "ok (as PyTorch prints)" : "MISMATCH");
    if (!ok) ++example::failures;
}
}  // namespace

int main() {
    using namespace etgrad;

    std::printf("x = torch.tensor(3.0, requires_grad=True); y = x**2\n");
    Tensor x = tensor(3.0, requires_grad);
    Tensor y = pow(x, 2);
    shows("x", x, "tensor(3., requires_grad=True)");
    shows("y", y, "tensor(9., grad_fn=<PowBackward0>)");
    y.backward();
    shows("x.grad", x.grad(), "tensor(6.)");

    std::printf("z = torch.sin(x**2)\n");
    x = tensor(3.0, requires_grad);
    y = pow(x, 2);
    Tensor z = sin(y);
    shows("z", z, "tensor(0.4121, grad_fn=<SinBackward0>)");
    z.backward();
    shows("x.grad", x.grad(), "tensor(-5.4668)");
    example::compare("x.grad vs 2x cos(x^2)", 2 * 3.0 * std::cos(9.0), x.grad().item());
    try {
        y.backward();
        ++example::failures;
    } catch (const autograd_error& e) {
        std::printf("  y.backward() again: autograd_error: %.60s...   ok\n", e.what());
    }

    std::printf("the neuron, with a clamped binary cross-entropy built from tape ops\n");
    Tensor xs = tensor(6.7), ys = tensor(0.0);
    Tensor w = tensor(1.0, requires_grad), b = tensor(0.0, requires_grad);
    Tensor zz = w * xs + b;
    shows("z", zz, "tensor(6.7000, grad_fn=<AddBackward0>)");
    Tensor y_pred = sigmoid(zz);
    shows("y_pred", y_pred, "tensor(0.9988, grad_fn=<SigmoidBackward0>)");
    Tensor p = clamp(y_pred, 1e-8, 1 - 1e-8);
    Tensor loss = -(ys * log(p) + (1.0 - ys) * log(1.0 - p));
    shows("loss", loss, "tensor(6.7012, grad_fn=<NegBackward0>)");
    loss.backward();
    shows("w.grad", w.grad(), "tensor(6.6918)");
    shows("b.grad", b.grad(), "tensor(0.9988)");

    std::printf("multiple inputs: y = (x**2).mean()\n");
    Tensor v = tensor({1.0, 2.0, 3.0}, requires_grad);
    shows("x", v, "tensor([1., 2., 3.], requires_grad=True)");
    Tensor m = mean(pow(v, 2));
    shows("y", m, "tensor(4.6667, grad_fn=<MeanBackward0>)");
    m.backward();
    shows("x.grad", v.grad(), "tensor([0.6667, 1.3333, 2.0000])");

    std::printf("gradients accumulate until cleared\n");
    mean(pow(v, 2)).backward();
    shows("x.grad after a 2nd backward", v.grad(), "tensor([1.3333, 2.6667, 4.0000])");
    shows("x.grad.zero_()", v.grad().zero_(), "tensor([0., 0., 0.])");

    std::printf("three ways to stop tracking\n");
    Tensor a = tensor({1.0, 2.0, 3.0}, requires_grad);
    a.requires_grad_(false);
    shows("option 1: requires_grad_(False)", a, "tensor([1., 2., 3.])");
    Tensor c = tensor({1.0, 2.0, 3.0}, requires_grad);
    Tensor d = c.detach();
    shows("option 2: detach()", d, "tensor([1., 2., 3.])");
    {
        no_grad_guard guard;
        Tensor q = c * c + 2.0;
        shows("option 3: no_grad()", q, "tensor([ 3.,  6., 11.])");
    }
    shows("tracking again after the guard", c * c + 2.0, "tensor([ 3.,  6., 11.], grad_fn=<AddBackward0>)");
    return example::done();
}
