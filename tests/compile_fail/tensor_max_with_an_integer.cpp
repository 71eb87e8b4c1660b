// max(t, 1) on a Tensor reads as PyTorch's max along dimension 1 but would be the elementwise
// maximum with the number 1: a compile error that says what to write instead.
// expect: max\(tensor, integer\) and min\(tensor, integer\) are ambiguous
#include <etgrad/tape.hpp>
using namespace etgrad;
int main() {
    const Tensor t = tensor({{1.0, 5.0}, {3.0, 2.0}});
#ifdef ETGRAD_TRIGGER
    const Tensor m = max(t, 1);
#else
    const Tensor m = max(t, 1.0);
    auto [values, indices] = max(t, 1, false);
#endif
    return m.numel() == 4 ? 0 : 1;
}
