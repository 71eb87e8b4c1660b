/// @file records.hpp  What the tape stores: a tensor's record (Impl), a recorded op (Node) with
/// its input edges and partials, and the shapes of rank 0, 1 and 2; with the errors the tape
/// throws.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace etgrad {

/// Misuse of autograd (backward through a freed graph, on a tensor without grad, ...).
struct autograd_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// Tensors whose shapes do not fit the operation.
struct shape_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

namespace detail {

/// A shape of rank 0, 1 or 2.
struct Shape {
    std::int64_t dims[2]{1, 1};
    int rank = 0;
    std::int64_t numel() const noexcept { return rank == 0 ? 1 : (rank == 1 ? dims[0] : dims[0] * dims[1]); }
    std::int64_t rows() const noexcept { return rank == 2 ? dims[0] : 1; }  // as a 2-d shape
    std::int64_t cols() const noexcept { return rank == 0 ? 1 : (rank == 1 ? dims[0] : dims[1]); }
    bool operator==(const Shape& o) const noexcept {
        return rank == o.rank && (rank < 1 || dims[0] == o.dims[0]) && (rank < 2 || dims[1] == o.dims[1]);
    }
    std::string str() const {  // appended piecewise: "lit" + string trips g++ 12's -Wrestrict at -O3
        std::string s = "[";
        for (int d = 0; d < rank; ++d) {
            if (d) s += ", ";
            s += std::to_string(dims[d]);
        }
        s += ']';
        return s;
    }
    static Shape scalar() noexcept { return {}; }
    static Shape vector(std::int64_t n) noexcept { return {{n, 1}, 1}; }
    static Shape matrix(std::int64_t r, std::int64_t c) noexcept { return {{r, c}, 2}; }
};

struct Node;

/// A tensor's record: value storage (inline for scalars), autograd flags, gradient, grad_fn.
/// The output of a scalar op is co-allocated with its node in the arena (its grad_fn is a
/// scalar node); every other record comes from the per-thread pool.
/// 64 bytes.
struct Impl {  // what backward touches first, the shape last
    int refs = 1;
    bool requires_grad = false;
    bool is_view = false;  // its storage is owner's (detach)
    union {
        Node* grad_fn = nullptr;  // a counted ref
        Impl* next_free;          // the pool's free list, while dead
    };
    Impl* grad = nullptr;  // a counted ref
    union {
        double local = 0;
        Impl* owner;  // is_view: the record whose storage this shares; a counted ref
    };
    double* data;  // &local, owned heap storage (numel > 1), or the owner's storage
    Shape shape;

    Impl() noexcept { data = &local; }  // in the body: clang 14 misreads &local in an initializer as a read

    std::int64_t numel() const noexcept { return shape.numel(); }
    bool owns_heap() const noexcept { return data != &local && !is_view; }
};

/// One input edge of a general node: the input tensor (a counted ref) and dOut/dIn per element.
struct Input {
    Impl* impl = nullptr;
    double* partial = nullptr;
    std::int64_t rows = 1, cols = 1;  // the input's 2-d shape, for broadcasting
};

/// One input edge of a scalar node: the input (a counted ref) and the partial, inline.
struct ScalarInput {
    Impl* impl;
    double partial;
};

enum class Kind : std::uint8_t {
    scalar,            // a scalar elementwise op: ScalarInputs, no NodeExt (the op-by-op hot path)
    elementwise,       // out[k] = f(inputs at k): partials per output element, broadcasting
    mean_elementwise,  // out = mean_k f(inputs at k) (losses on tensors): partials per element, / n
    reduce_all,        // sum or mean of every element
    reduce_axis,       // sum or mean along an axis
    matmul             // uses the saved inputs
};

/// What a node of a kind other than scalar also needs.
struct NodeExt {
    Shape out_shape;
    std::int64_t elem_rows = 1, elem_cols = 1;  // the broadcast shape the partials are indexed by
    double scale = 1;
    int axis = -1;
    double* adj = nullptr;  // the output's adjoint: the node's adj_local for one element
    Impl* output = nullptr;  // not counted
};

/// A recorded op (grad_fn): its partials are computed when it is recorded, by the op's rule.
/// 32 bytes. In the arena a scalar node is followed by its output record and its ScalarInputs;
/// any other node by its NodeExt, its Inputs, its partials and its adjoint.
struct Node {
    double adj_local = 0;
    const char* name = "";
    Node* prev = nullptr;  // the node recorded before this one on the thread's tape
    Kind kind = Kind::scalar;
    bool freed = false;
    bool touched = false;
    bool orphaned = false;  // its output record (the only holder of a node) has died
    bool retains_output_grad = false;  // retain_grad() was called on the output, which is alive
    std::uint8_t n_in = 0;

    NodeExt* ext() noexcept {  // kind != scalar
        return reinterpret_cast<NodeExt*>(reinterpret_cast<char*>(this) + sizeof(Node));
    }
    Impl* output() noexcept;
    ScalarInput* scalar_inputs() noexcept;  // kind == scalar
    Input* inputs() noexcept;               // kind != scalar
    std::int64_t numel() noexcept { return kind == Kind::scalar ? 1 : ext()->out_shape.numel(); }
    double* adj() noexcept { return kind == Kind::scalar ? &adj_local : ext()->adj; }
};
static_assert(sizeof(Node) == 32 && sizeof(Impl) == 64 && sizeof(ScalarInput) == 16,
              "the tape's records are laid out for these sizes (a scalar op: 96 bytes + 16 per input)");
inline Impl* Node::output() noexcept {
    return kind == Kind::scalar ? reinterpret_cast<Impl*>(reinterpret_cast<char*>(this) + sizeof(Node)) : ext()->output;
}
inline ScalarInput* Node::scalar_inputs() noexcept {
    return reinterpret_cast<ScalarInput*>(reinterpret_cast<char*>(this) + sizeof(Node) + sizeof(Impl));
}
inline Input* Node::inputs() noexcept {
    return reinterpret_cast<Input*>(reinterpret_cast<char*>(this) + sizeof(Node) + sizeof(NodeExt));
}

}  // namespace detail
}  // namespace etgrad
