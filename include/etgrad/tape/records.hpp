/// @file records.hpp  What the tape stores and what a Tensor points to: a tensor's record (Impl),
/// a general node for ops on whole tensors (Node, with its input edges), the shapes of rank 0, 1
/// and 2, the layout of a statement on the flat tape, and the errors the tape throws.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <etgrad/core/exceptions.hpp>

namespace etgrad {

/// Misuse of autograd (backward through a freed graph, on a tensor without grad, ...).
struct autograd_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// A tensor read or written as an element type it does not have (`data_ptr<float>()` on a
/// float64 tensor).
struct dtype_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// A tensor's element type, as PyTorch's dtype: float64 (etgrad's default) or float32.
enum class scalar_type : std::uint8_t { float64, float32 };
inline constexpr scalar_type float64 = scalar_type::float64;
inline constexpr scalar_type float32 = scalar_type::float32;
/// "float64" or "float32".
constexpr const char* to_string(scalar_type t) noexcept { return t == float32 ? "float32" : "float64"; }
/// PyTorch's promotion between two floating dtypes: the wider one.
constexpr scalar_type promote(scalar_type a, scalar_type b) noexcept { return a == float64 || b == float64 ? float64 : float32; }

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
struct ThreadState;

/// What a record is to the tape.
enum class Role : std::uint8_t {
    plain,      // no history: a leaf (requiring grad or not), or a result made without recording
    statement,  // the output of a recorded op: a scalar statement or a general node
};

/// A tensor's record: its value (inline for one element), autograd flags, gradient, and where
/// its history is on its thread's tape. Records come from a per-thread pool; a Tensor is a
/// counted pointer to one (copies share it, as Python names do).
struct Impl {
    // the first 64 bytes: what a scalar op reads and writes
    int refs = 1;       // handles (and the tape's leaf registrations and gradients)
    Role role = Role::plain;
    bool requires_grad = false;
    bool is_view = false;       // its storage is owner's (detach)
    bool retains_grad = false;  // retain_grad() was called (a non-leaf)
    scalar_type dtype = float64;  // the element type of its storage (data points to floats for float32)
    std::uint32_t index = 0;    // role statement: its statement; a leaf: its registration (in epoch)
    std::uint32_t block = 0;    // role statement: the tape block holding its statement
    std::uint64_t epoch = 0;    // the tape epoch of index and block (0: none)
    ThreadState* home = nullptr;  // the thread state whose pool and tape it belongs to
    const char* name = nullptr;   // grad_fn's name (a non-leaf); kept after its graph is freed
    char* rec_end = nullptr;      // role statement: the end of its statement on the tape
    union {
        double local = 0;
        float local_f32;  // a float32 tensor's one element
        Impl* owner;      // is_view: the record whose storage this shares (counted in view_refs)
    };
    double* data;  // &local, owned heap storage (numel > 1), or the owner's storage; for float32
                   // it holds the address of float storage, read through f32_data()
    // the rest
    Node* node = nullptr;  // a general node's output: the node (valid in epoch)
    union {
        Impl* grad = nullptr;  // a counted ref
        Impl* next_free;       // the pool's free list, while dead
    };
    int view_refs = 0;          // detached views of its storage: they keep the storage, not the history
    int edge_refs = 0;          // general nodes' input edges: they keep the record, but not its statement live
    std::uint32_t version = 0;  // bumped by in-place changes (the storage owner's counts)
    Shape shape;

    Impl() noexcept { data = &local; }  // in the body: clang 14 misreads &local in an initializer as a read

    std::int64_t numel() const noexcept { return shape.numel(); }
    bool owns_heap() const noexcept { return data != &local && !is_view; }
    bool is_leaf() const noexcept { return name == nullptr; }
    Impl* storage_owner() noexcept { return is_view ? owner : this; }
    /// One float64 element (rank 0): what the scalar paths take.
    bool is_scalar64() const noexcept { return shape.rank == 0 && dtype == float64; }
    /// A float64 record's first element; its own is read without its data pointer (one load
    /// less on the path from one op's result to the next op).
    double value64() const noexcept { return data == &local ? local : data[0]; }
    /// The 8-byte words its storage takes.
    static std::size_t storage_words(std::int64_t n, scalar_type t) noexcept {
        return t == float32 ? std::size_t(n + 1) / 2 : std::size_t(n);
    }
};

/// A float32 record's elements.
inline float* f32_data(const Impl* p) noexcept { return reinterpret_cast<float*>(p->data); }
/// Element k as a double, whatever the record's dtype.
inline double load(const Impl* p, std::int64_t k) noexcept {
    if (p->dtype == float32) [[unlikely]]
        return double(f32_data(p)[k]);
    return p->data[k];
}
/// Stores v (rounded to float for a float32 record) as element k.
inline void store(Impl* p, std::int64_t k, double v) noexcept {
    if (p->dtype == float32) [[unlikely]]
        f32_data(p)[k] = float(v);
    else
        p->data[k] = v;
}

/// A record's elements as doubles: its own storage for float64, a converted copy for float32
/// (the ops that accumulate, such as sums and products, accumulate in double and round once).
class as_doubles {
  public:
    explicit as_doubles(const Impl* p) : p_(p->data) {
        if (p->dtype == float32) {
            const float* f = f32_data(p);
            copy_.assign(f, f + p->numel());
            p_ = copy_.data();
        }
    }
    const double* data() const noexcept { return p_; }
    double operator[](std::int64_t k) const noexcept { return p_[k]; }

  private:
    std::vector<double> copy_;
    const double* p_;
};
/// Where to write a result's elements as doubles: its own storage for float64, a buffer rounded
/// into its float storage by done() for float32.
class doubles_out {
  public:
    explicit doubles_out(Impl* p) : out_(p), p_(p->data) {
        if (p->dtype == float32) {
            copy_.assign(std::size_t(p->numel()), 0.0);
            p_ = copy_.data();
        }
    }
    double* data() const noexcept { return p_; }
    double& operator[](std::int64_t k) const noexcept { return p_[k]; }
    void done() const noexcept {
        if (out_->dtype == float32)
            for (std::size_t k = 0; k < copy_.size(); ++k) f32_data(out_)[k] = float(copy_[k]);
    }

  private:
    Impl* out_;
    std::vector<double> copy_;
    double* p_;
};

/// PyTorch's result dtype for tensors combined in one op: the tensors with dimensions decide;
/// when there are none, the zero-dimensional ones do (numbers never widen a tensor's type).
template <class Range>
scalar_type result_dtype(const Range& impls) noexcept {
    bool any_dims = false, dims64 = false, zero64 = false;
    for (const Impl* p : impls) {
        if (!p) continue;
        if (p->shape.rank > 0) {
            any_dims = true;
            dims64 = dims64 || p->dtype == float64;
        } else {
            zero64 = zero64 || p->dtype == float64;
        }
    }
    if (any_dims) return dims64 ? float64 : float32;
    bool any = false;
    for (const Impl* p : impls) any = any || p != nullptr;
    return !any || zero64 ? float64 : float32;
}

/// One input edge of a general node: the input (a counted ref), where its adjoint goes (its
/// tape index when recorded), dOut/dIn per element, and its 2-d shape for broadcasting.
struct Input {
    Impl* impl = nullptr;
    double* partial = nullptr;
    std::int64_t rows = 1, cols = 1;
    std::uint32_t index = 0;    // the input's statement or leaf registration
    std::uint32_t version = 0;  // its storage's version when recorded (read back: matmul, recomputed partials)
    int operand = 0;            // a node that recomputes its partials: the op's operand this input is
};
/// A gather node keeps, per output element, the input's element it came from (-1: another
/// input's) where other nodes keep partials.
inline std::int64_t* gather_map(const Input& in) noexcept { return reinterpret_cast<std::int64_t*>(in.partial); }

enum class Kind : std::uint8_t {
    elementwise,       // out[k] = f(inputs at k): partials per output element, broadcasting
    mean_elementwise,  // out = mean_k f(inputs at k) (losses on tensors): partials per element, / n
    reduce_all,        // sum or mean of every element
    reduce_axis,       // sum or mean along an axis
    matmul,            // uses the saved inputs
    gather             // out[k] = one input's element map[k] (shapes, indexing, cat): map in place of partials
};

/// An op on whole tensors, recorded as one statement of the tape that points to it; it lives
/// in the tape's arena with its inputs, partials and (beyond one element) its adjoint.
struct Node {
    Shape out_shape;
    std::int64_t elem_rows = 1, elem_cols = 1;  // the broadcast shape the partials are indexed by
    double scale = 1;
    double* adj = nullptr;  // the output's adjoint (one element: &adj_local)
    double adj_local = 0;
    Input* inputs = nullptr;
    /// An elementwise node that keeps no partials: partials of operand `operand` over elements
    /// [k0, k0 + m) of the broadcast shape, recomputed from the inputs and the output (its last
    /// input) by the op's rule; `numbers` holds the operands that are numbers.
    void (*recompute)(const Node& n, int operand, std::int64_t k0, std::int64_t m, double* partial) = nullptr;
    const double* numbers = nullptr;
    bool reads_values = false;  // backward reads its inputs' or output's values: their versions are checked
    int axis = -1;
    Kind kind = Kind::elementwise;
    std::uint8_t n_in = 0;
    bool retains = false;  // its output asked for retain_grad: backward reads adj after the pass
    bool adj_fresh = true;  // adj holds nothing of this pass yet: its first writer stores, not adds
    bool adj_uniform = false;  // (not fresh) every element of adj equals adj[0], the rest unwritten: a sum's or
                               // a mean's adjoint, spread by the first reader that needs the elements
    std::int64_t numel() const noexcept { return out_shape.numel(); }
};

/// The flat tape. Each statement takes one index (its adjoint's position) and is written as
///   scalar:  n partials (double), then their n input indices (uint32); padding; trailer
///            (statements start 8-byte aligned, so every partial is aligned: a fold rewrites
///            the partials just written, and aligned ones never split a cache line)
///   leaf:    padding; trailer (the thread's leaf table, in index order, says which leaf)
///   general: Node*; padding; trailer
///   dead:    padding; trailer (a stand-in for history that was freed: backward through it throws)
/// The 4-byte trailer ends every statement, so the reverse pass reads the tape backwards.
namespace stmt {
inline constexpr std::uint32_t count_mask = 0x00FFFFFFu;
enum kind_bits : std::uint32_t { scalar = 0u << 24, leaf = 1u << 24, general = 2u << 24, dead = 3u << 24 };
inline constexpr std::uint32_t kind_mask = 3u << 24;
inline constexpr std::uint32_t freed = 1u << 26;     // backward without retain_graph went through it
inline constexpr std::uint32_t has_impl = 1u << 27;  // its output record is alive
inline constexpr std::size_t pair_bytes = 12;
inline constexpr std::size_t bytes(std::uint32_t trailer) noexcept {
    switch (trailer & kind_mask) {
        case scalar: return ((trailer & count_mask) * pair_bytes + 4 + 7) & ~std::size_t{7};
        case general: return 16;
        default: return 8;
    }
}
inline std::uint32_t trailer(const char* end) noexcept {
    std::uint32_t t;
    std::memcpy(&t, end - 4, 4);
    return t;
}
inline void set_trailer(char* end, std::uint32_t t) noexcept { std::memcpy(end - 4, &t, 4); }
/// Partial k of a scalar statement of n pairs starting at `begin`.
inline double partial(const char* begin, std::uint32_t k) noexcept {
    double p;
    std::memcpy(&p, begin + 8 * std::size_t(k), 8);
    return p;
}
inline void set_partial(char* begin, std::uint32_t k, double p) noexcept {
    std::memcpy(begin + 8 * std::size_t(k), &p, 8);
}
/// Input index k of a scalar statement of n pairs starting at `begin`.
inline std::uint32_t index(const char* begin, std::uint32_t n, std::uint32_t k) noexcept {
    std::uint32_t i;
    std::memcpy(&i, begin + 8 * std::size_t(n) + 4 * std::size_t(k), 4);
    return i;
}
inline void set_index(char* begin, std::uint32_t n, std::uint32_t k, std::uint32_t i) noexcept {
    std::memcpy(begin + 8 * std::size_t(n) + 4 * std::size_t(k), &i, 4);
}
}  // namespace stmt

}  // namespace detail
}  // namespace etgrad
