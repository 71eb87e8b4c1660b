/// @file tensor.hpp  The runtime tape's Tensor: a handle with PyTorch's autograd semantics
/// (requires_grad, backward, gradient accumulation, retain_graph, detach, no_grad, retain_grad).
///
/// Memory: graph nodes (with their inputs and partials) live in a per-thread arena that is reset
/// whenever no node is alive; a scalar op's output record sits beside its node in the same
/// allocation; other records come from a per-thread pool; large buffers are kept for reuse. A
/// training loop thus reaches a steady state with no heap allocation per op. Backward walks the
/// per-thread tape (nodes linked in creation order, a topological order) backwards, skipping
/// nodes the root does not reach.
/// Everything is thread-local: a graph, and its Tensors, belong to the thread that built them.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <etgrad/core/expression.hpp>

namespace etgrad {

/// Misuse of autograd (backward through a freed graph, on a tensor without grad, ...).
struct autograd_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// Tensors whose shapes do not fit the operation.
struct shape_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct requires_grad_t {
    explicit constexpr requires_grad_t() = default;
};
/// `tensor(3.0, requires_grad)`
inline constexpr requires_grad_t requires_grad{};
struct retain_graph_t {
    explicit constexpr retain_graph_t() = default;
};
/// `t.backward(retain_graph)`
inline constexpr retain_graph_t retain_graph{};

class Tensor;

namespace tape_detail {

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

/// Per-thread storage: an Impl pool, the node arena and the tape (nodes in creation order).
struct ThreadState {
    std::vector<std::unique_ptr<Impl[]>> impl_blocks;
    Impl* free_impls = nullptr;  // intrusive free list
    std::vector<std::unique_ptr<char[]>> arena_blocks;
    std::size_t arena_block = 0;
    static constexpr std::size_t arena_block_size = std::size_t{1} << 20;
    // Allocations larger than a block: in use, and kept for reuse after a reset (a training
    // loop on large tensors allocates the same sizes every step; fresh pages fault every time).
    struct Big {
        std::size_t bytes;
        std::unique_ptr<char[]> p;
    };
    std::vector<Big> big_blocks, spare_big;
    // Tensor storage of large tensors, likewise kept (by exact size) when its record dies.
    struct Spare {
        std::size_t n;
        double* p;
    };
    std::vector<Spare> spare_buffers;
    static constexpr std::size_t max_spares = 8;
    static constexpr std::size_t large_buffer = std::size_t{1} << 14;  // doubles (128 KiB)
    std::size_t live_nodes = 0;
    Node* last = nullptr;  // the tape: nodes in creation order, linked backwards through prev
    std::vector<Node*> dying;
    bool releasing = false;
    bool grad_enabled = true;
    std::size_t arena_bytes_before = 0;  // handed out before the current block's cursor
    char* arena_cursor = nullptr;  // the current block's next free byte, and its end
    char* arena_end = nullptr;

    Impl* new_impl() {
        if (!free_impls) {
            constexpr std::size_t n = 256;
            impl_blocks.emplace_back(new Impl[n]);
            for (std::size_t i = 0; i < n; ++i) {
                impl_blocks.back()[i].next_free = free_impls;
                free_impls = &impl_blocks.back()[i];
            }
        }
        Impl* p = free_impls;
        free_impls = p->next_free;
        return new (p) Impl;
    }
    void free_impl(Impl* p) noexcept {
        p->next_free = free_impls;
        free_impls = p;
    }
    [[gnu::always_inline]] void* arena_alloc(std::size_t bytes) {
        bytes = (bytes + 15) & ~std::size_t{15};
        if (std::size_t(arena_end - arena_cursor) >= bytes) {  // the common case
            void* p = arena_cursor;
            arena_cursor += bytes;
            return p;
        }
        return arena_alloc_slow(bytes);
    }
    [[gnu::noinline]] void* arena_alloc_slow(std::size_t bytes) {
        if (bytes > arena_block_size) {
            arena_bytes_before += bytes;
            for (std::size_t i = 0; i < spare_big.size(); ++i)
                if (spare_big[i].bytes >= bytes && spare_big[i].bytes <= 2 * bytes) {
                    big_blocks.push_back(std::move(spare_big[i]));
                    spare_big.erase(spare_big.begin() + std::ptrdiff_t(i));
                    return big_blocks.back().p.get();
                }
            big_blocks.push_back({bytes, std::unique_ptr<char[]>(new char[bytes])});
            return big_blocks.back().p.get();
        }
        arena_bytes_before += current_block_bytes();
        if (arena_cursor) ++arena_block;  // the current block is full: move to the next
        if (arena_block == arena_blocks.size()) arena_blocks.emplace_back(new char[arena_block_size]);
        arena_cursor = arena_blocks[arena_block].get();
        arena_end = arena_cursor + arena_block_size;
        void* p = arena_cursor;
        arena_cursor += bytes;
        return p;
    }
    double* alloc_doubles(std::size_t n, bool zero) {
        if (n >= large_buffer)
            for (Spare& sp : spare_buffers)
                if (sp.n == n) {
                    double* p = sp.p;
                    sp = spare_buffers.back();
                    spare_buffers.pop_back();
                    if (zero) std::fill(p, p + n, 0.0);
                    return p;
                }
        return zero ? new double[n]() : new double[n];
    }
    void free_doubles(double* p, std::size_t n) noexcept {
        if (n >= large_buffer && spare_buffers.size() < max_spares) {
            spare_buffers.push_back({n, p});  // within the reserved capacity: cannot throw
            return;
        }
        delete[] p;
    }
    ThreadState() { spare_buffers.reserve(max_spares); }
    ~ThreadState() {
        for (Spare& sp : spare_buffers) delete[] sp.p;
    }
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;

    std::size_t current_block_bytes() const noexcept {
        return arena_cursor ? std::size_t(arena_cursor - arena_blocks[arena_block].get()) : 0;
    }
    /// Bytes the arena has handed out since the thread started (a statistic: not counted per
    /// allocation, which is the op-by-op hot path).
    std::size_t arena_bytes_used() const noexcept { return arena_bytes_before + current_block_bytes(); }

    void reset_arena() {
        arena_bytes_before += current_block_bytes();
        arena_block = 0;
        arena_cursor = arena_blocks.empty() ? nullptr : arena_blocks[0].get();
        arena_end = arena_cursor ? arena_cursor + arena_block_size : nullptr;
        for (Big& b : big_blocks)
            if (spare_big.size() < max_spares) spare_big.push_back(std::move(b));
        big_blocks.clear();
        last = nullptr;
    }
};

/// The calling thread's state. A constant-initialised thread_local pointer is one load on the
/// hot path (a thread_local object with a destructor costs an initialisation check per use);
/// the owner that frees the state at thread exit is touched only once per thread.
inline thread_local ThreadState* tls_state = nullptr;

[[gnu::noinline]] inline ThreadState& make_state() {
    thread_local std::unique_ptr<ThreadState> owner = std::make_unique<ThreadState>();
    tls_state = owner.get();
    return *tls_state;
}
inline ThreadState& state() {
    ThreadState* s = tls_state;
    return s ? *s : make_state();
}

inline void release(Impl* p) noexcept;
inline void release(Node* n) noexcept;

inline void retain(Impl* p) noexcept {
    if (p) ++p->refs;
}

/// Drops what a node holds for backward: its input refs. It stays readable as "freed".
inline void free_graph_node(Node* n) noexcept {
    if (n->freed) return;
    n->freed = true;
    for (int i = 0; i < n->n_in; ++i) {
        Impl* in;
        if (n->kind == Kind::scalar) {
            in = n->scalar_inputs()[i].impl;
            n->scalar_inputs()[i].impl = nullptr;
        } else {
            in = n->inputs()[i].impl;
            n->inputs()[i].impl = nullptr;
        }
        release(in);
    }
}

/// Releasing a node releases its inputs, which may release their nodes: done with a work list,
/// not recursion, so a graph of any depth (a 10,000-step loop) is freed in constant stack.
[[gnu::noinline]] inline void release_dead(Node* n) noexcept {
    ThreadState& s = state();
    if (n->freed) {  // backward already dropped its inputs: nothing to cascade
        if (--s.live_nodes == 0 && !s.releasing) s.reset_arena();
        return;
    }
    s.dying.push_back(n);
    if (s.releasing) return;
    s.releasing = true;
    while (!s.dying.empty()) {
        Node* d = s.dying.back();
        s.dying.pop_back();
        free_graph_node(d);
        if (--s.live_nodes == 0) s.reset_arena();
    }
    s.releasing = false;
}
/// The output record let go of its node.
inline void release(Node* n) noexcept {
    if (!n) return;
    n->orphaned = true;
    if (n->touched) return;  // pending in the running backward, which frees it after using it
    release_dead(n);
}

/// The last ref to a record went away.
inline void destroy(Impl* p) noexcept {
    Node* g = p->grad_fn;
    const bool beside_its_node = g && g->kind == Kind::scalar;  // read before g may be released
    if (g) {
        g->retains_output_grad = false;  // nothing to retain into any more
        release(g);
    }
    if (p->grad) release(p->grad);
    if (beside_its_node) return;  // a scalar op's output: no storage of its own, memory goes with its node
    if (p->owns_heap()) state().free_doubles(p->data, std::size_t(p->numel()));
    else if (p->is_view) release(p->owner);
    state().free_impl(p);
}
inline void release(Impl* p) noexcept {
    if (p && --p->refs == 0) destroy(p);
}

/// A record of this shape; its storage zeroed unless the caller writes every element.
inline Impl* make_impl(const Shape& shape, bool zero = true) {
    ThreadState& s = state();
    Impl* p = s.new_impl();
    p->shape = shape;
    if (shape.numel() > 1) p->data = s.alloc_doubles(std::size_t(shape.numel()), zero);
    return p;
}

inline void push_node(ThreadState& s, Node* n) {
    n->prev = s.last;
    s.last = n;
    ++s.live_nodes;
}

/// A node with n_in inputs, each with `elements` partials (the broadcast shape's size): one
/// arena allocation holds the node, its NodeExt, its inputs, its partials and (beyond a
/// scalar) its adjoint.
inline Node* make_node(const char* name, const Shape& out, int n_in, std::int64_t elements) {
    ThreadState& s = state();
    const std::int64_t m = out.numel();
    constexpr std::size_t head = sizeof(Node) + sizeof(NodeExt);
    const std::size_t bytes =
        head + sizeof(Input) * std::size_t(n_in) + sizeof(double) * std::size_t(elements * n_in + (m > 1 ? m : 0));
    char* mem = static_cast<char*>(s.arena_alloc(bytes));
    Node* n = new (mem) Node;
    NodeExt* e = new (mem + sizeof(Node)) NodeExt;
    e->out_shape = out;
    n->kind = Kind::elementwise;
    n->name = name;
    n->n_in = std::uint8_t(n_in);
    double* partials = reinterpret_cast<double*>(mem + head + sizeof(Input) * std::size_t(n_in));
    for (int i = 0; i < n_in; ++i) new (n->inputs() + i) Input{nullptr, partials + i * elements, 1, 1};
    e->adj = &n->adj_local;
    if (m > 1) {
        e->adj = partials + elements * n_in;
        for (std::int64_t k = 0; k < m; ++k) e->adj[k] = 0;
    }
    push_node(s, n);
    return n;
}

/// A scalar op's node, its output record (requiring grad, grad_fn set) right behind it and room
/// for n_in ScalarInputs: one arena allocation.
[[gnu::always_inline]] inline Node* make_scalar_node(const char* name, int n_in) {
    ThreadState& s = state();
    constexpr std::size_t head = sizeof(Node) + sizeof(Impl);
    char* mem = static_cast<char*>(s.arena_alloc(head + sizeof(ScalarInput) * std::size_t(n_in)));
    Node* n = new (mem) Node;
    Impl* out = new (mem + sizeof(Node)) Impl;
    out->requires_grad = true;
    out->grad_fn = n;
    n->name = name;
    n->n_in = std::uint8_t(n_in);
    push_node(s, n);
    return n;
}

/// Whether ops record now (false inside a no_grad_guard).
inline bool grad_enabled() noexcept { return state().grad_enabled; }

}  // namespace tape_detail

/// Inside its scope no op is recorded (RAII, nestable, per thread), like torch.no_grad().
class no_grad_guard {
  public:
    no_grad_guard() noexcept : previous_(tape_detail::state().grad_enabled) { tape_detail::state().grad_enabled = false; }
    ~no_grad_guard() { tape_detail::state().grad_enabled = previous_; }
    no_grad_guard(const no_grad_guard&) = delete;
    no_grad_guard& operator=(const no_grad_guard&) = delete;

  private:
    bool previous_;
};

/// A handle to a tensor of rank 0, 1 or 2 (double storage) with PyTorch's autograd semantics.
/// Copies share the tensor, as Python names do.
class Tensor {
  public:
    Tensor() noexcept = default;
    explicit Tensor(tape_detail::Impl* adopt) noexcept : p_(adopt) {}
    Tensor(const Tensor& o) noexcept : p_(o.p_) { tape_detail::retain(p_); }
    Tensor(Tensor&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    Tensor& operator=(const Tensor& o) noexcept {
        tape_detail::retain(o.p_);
        tape_detail::release(p_);
        p_ = o.p_;
        return *this;
    }
    Tensor& operator=(Tensor&& o) noexcept {
        if (this != &o) {
            tape_detail::release(p_);
            p_ = o.p_;
            o.p_ = nullptr;
        }
        return *this;
    }
    ~Tensor() { tape_detail::release(p_); }

    /// False for an absent gradient (`x.grad()` before any backward) or a default handle.
    bool defined() const noexcept { return p_ != nullptr; }
    double item() const {
        check_defined("item()");
        if (p_->numel() != 1)
            throw shape_error("a Tensor with " + std::to_string(p_->numel()) +
                              " elements cannot be converted to a scalar (shape " + p_->shape.str() + ")");
        return p_->data[0];
    }
    std::vector<double> to_vector() const {
        check_defined("to_vector()");
        return std::vector<double>(p_->data, p_->data + p_->numel());
    }
    std::vector<std::int64_t> shape() const {
        check_defined("shape()");
        return std::vector<std::int64_t>(p_->shape.dims, p_->shape.dims + p_->shape.rank);
    }
    std::int64_t numel() const { return defined() ? p_->numel() : 0; }
    int dim() const { return defined() ? p_->shape.rank : 0; }
    bool requires_grad() const noexcept { return p_ && p_->requires_grad; }
    bool is_leaf() const noexcept { return p_ && p_->grad_fn == nullptr; }
    /// The grad_fn's name ("MulBackward0"), or "" for a leaf.
    std::string grad_fn() const { return p_ && p_->grad_fn ? p_->grad_fn->name : ""; }

    /// The accumulated gradient, as a handle sharing its storage (so `x.grad().zero_()` persists);
    /// undefined unless this is a leaf that requires grad, or retain_grad() was called.
    Tensor grad() const {
        if (!p_ || !p_->grad) return Tensor{};
        tape_detail::retain(p_->grad);
        return Tensor(p_->grad);
    }
    /// Fills with zeros in place.
    Tensor& zero_() {
        check_defined("zero_()");
        for (std::int64_t k = 0; k < p_->numel(); ++k) p_->data[k] = 0;
        return *this;
    }
    /// Starts or stops recording ops on this leaf, in place.
    Tensor& requires_grad_(bool on = true) {
        check_defined("requires_grad_()");
        if (p_->grad_fn && !on)
            throw autograd_error(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
        p_->requires_grad = on;
        return *this;
    }
    /// A new leaf sharing this tensor's storage, with no history.
    Tensor detach() const {
        check_defined("detach()");
        tape_detail::Impl* d = tape_detail::state().new_impl();
        d->shape = p_->shape;
        d->data = p_->data;
        d->is_view = true;
        d->owner = p_;
        tape_detail::retain(p_);
        return Tensor(d);
    }
    /// Makes this non-leaf keep its gradient in grad() at the next backward.
    void retain_grad() {
        check_defined("retain_grad()");
        if (!p_->requires_grad)
            throw autograd_error("can't retain_grad on Tensor that has requires_grad=False");
        if (p_->grad_fn) p_->grad_fn->retains_output_grad = true;
    }

    void backward() { run_backward(nullptr, false); }
    void backward(retain_graph_t) { run_backward(nullptr, true); }
    void backward(const Tensor& gradient) { run_backward(&gradient, false); }
    void backward(const Tensor& gradient, retain_graph_t) { run_backward(&gradient, true); }

    /// Raw access for etgrad's ops and optimizers.
    tape_detail::Impl* impl() const noexcept { return p_; }
    const double* data() const noexcept { return p_ ? p_->data : nullptr; }
    double* data() noexcept { return p_ ? p_->data : nullptr; }

  private:
    void check_defined(const char* what) const {
        if (!p_) throw autograd_error(std::string("Tensor::") + what + " on an undefined Tensor");
    }
    void run_backward(const Tensor* gradient, bool retain);

    tape_detail::Impl* p_ = nullptr;
};

namespace detail {
template <>
struct is_tensor<Tensor> : std::true_type {};
}  // namespace detail

namespace tape_detail {

inline Impl* ensure_grad(Impl* leaf) {
    if (!leaf->grad) leaf->grad = make_impl(leaf->shape);
    return leaf->grad;
}

/// Adds this node's adjoint times its partials into its inputs' adjoints (or leaf gradients):
/// any kind, any shape.
[[gnu::noinline]] inline void propagate_general(Node* n) {
    const NodeExt& e = *n->ext();
    const std::int64_t m = e.out_shape.numel();
    for (int i = 0; i < n->n_in; ++i) {
        Input& in = n->inputs()[i];
        Impl* x = in.impl;
        if (!x || !x->requires_grad) continue;
        double* target;
        if (x->grad_fn) {
            Node* up = x->grad_fn;
            up->touched = true;
            target = up->adj();
        } else {
            target = ensure_grad(x)->data;
        }
        switch (n->kind) {
            case Kind::scalar:  // not reached: run_backward gives scalar nodes to propagate_scalar
                break;
            case Kind::elementwise:
                if (m == 1) {
                    target[0] += in.partial[0] * n->adj()[0];
                } else {
                    const std::int64_t R = e.out_shape.rows(), C = e.out_shape.cols();
                    for (std::int64_t r = 0; r < R; ++r)
                        for (std::int64_t c = 0; c < C; ++c) {
                            const std::int64_t k = r * C + c;
                            const std::int64_t j = (in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c);
                            target[j] += in.partial[k] * n->adj()[k];
                        }
                }
                break;
            case Kind::mean_elementwise: {
                const std::int64_t R = e.elem_rows, C = e.elem_cols;
                for (std::int64_t r = 0; r < R; ++r)
                    for (std::int64_t c = 0; c < C; ++c) {
                        const std::int64_t j = (in.rows == 1 ? 0 : r) * in.cols + (in.cols == 1 ? 0 : c);
                        target[j] += in.partial[r * C + c] * n->adj()[0];
                    }
                break;
            }
            case Kind::reduce_all:
                for (std::int64_t j = 0; j < x->numel(); ++j) target[j] += e.scale * n->adj()[0];
                break;
            case Kind::reduce_axis: {
                const std::int64_t R = x->shape.rows(), C = x->shape.cols();
                for (std::int64_t r = 0; r < R; ++r)
                    for (std::int64_t c = 0; c < C; ++c)
                        target[r * C + c] += e.scale * n->adj()[e.axis == 0 ? c : r];
                break;
            }
            case Kind::matmul: {
                // out (R x P) = A (R x M) B (M x P): dA = adj B^T, dB = A^T adj
                const Input* io = n->inputs();
                const Impl* A = io[0].impl;
                const Impl* B = io[1].impl;
                const std::int64_t R = io[0].rows, M = io[0].cols, P = io[1].cols;
                if (i == 0) {
                    for (std::int64_t r = 0; r < R; ++r)
                        for (std::int64_t k = 0; k < M; ++k) {
                            double acc = 0;
                            for (std::int64_t p = 0; p < P; ++p) acc += n->adj()[r * P + p] * B->data[k * P + p];
                            target[r * M + k] += acc;
                        }
                } else {  // row by row through A (a long (N, d) matrix is read once, in order)
                    const double* adj = n->adj();
                    for (std::int64_t r = 0; r < R; ++r)
                        for (std::int64_t k = 0; k < M; ++k) {
                            const double a = A->data[r * M + k];
                            for (std::int64_t p = 0; p < P; ++p) target[k * P + p] += a * adj[r * P + p];
                        }
                }
                break;
            }
        }
    }
}

inline const char* freed_graph_message() {
    return "Trying to backward through the graph a second time (or directly access saved tensors after they have "
           "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
           "autograd.grad(). Specify retain_graph=True (t.backward(etgrad::retain_graph)) if you need to backward "
           "through the graph a second time or if you need to access saved tensors after calling backward.";
}

}  // namespace tape_detail

inline void Tensor::run_backward(const Tensor* gradient, bool retain) {
    using namespace tape_detail;
    check_defined("backward()");
    if (!p_->requires_grad)
        throw autograd_error("element 0 of tensors does not require grad and does not have a grad_fn");
    if (!gradient && p_->numel() != 1) throw autograd_error("grad can be implicitly created only for scalar outputs");
    if (gradient && (!gradient->defined() || !(gradient->p_->shape == p_->shape)))
        throw shape_error("backward(gradient): the gradient's shape " +
                          (gradient->defined() ? gradient->p_->shape.str() : std::string("(undefined)")) +
                          " does not match the tensor's shape " + p_->shape.str());
    const std::int64_t m = p_->numel();
    if (!p_->grad_fn) {  // a leaf: its gradient is the seed itself
        double* g = ensure_grad(p_)->data;
        for (std::int64_t k = 0; k < m; ++k) g[k] += gradient ? gradient->p_->data[k] : 1.0;
        return;
    }
    Node* root = p_->grad_fn;
    if (root->freed) throw autograd_error(freed_graph_message());
    ThreadState& s = state();
    for (std::int64_t k = 0; k < m; ++k) root->adj()[k] += gradient ? gradient->p_->data[k] : 1.0;
    root->touched = true;
    // The tape is in creation order, a topological order: one reverse pass visits every node
    // after all of its consumers, so each node's adjoint is complete when it is reached; it is
    // then propagated, cleared and (without retain_graph) the node is freed.
    for (Node* n = root; n; n = n->prev) {
        if (!n->touched) continue;
        if (n->freed) {
            for (Node* t = n; t; t = t->prev) {  // leave the tape as it was found
                if (!t->touched) continue;
                t->touched = false;
                for (std::int64_t k = 0; k < t->numel(); ++k) t->adj()[k] = 0;
                if (t->orphaned) {  // died while pending: free it now
                    free_graph_node(t);
                    --s.live_nodes;
                }
            }
            throw autograd_error(freed_graph_message());
        }
        if (n->retains_output_grad) {
            double* g = ensure_grad(n->output())->data;
            for (std::int64_t k = 0; k < n->numel(); ++k) g[k] += n->adj()[k];
        }
        n->touched = false;
        const bool free_now = !retain || n->orphaned;
        if (n->kind == Kind::scalar) {  // the op-by-op hot path: propagate and free in one loop
            const double a = n->adj_local;
            n->adj_local = 0;
            ScalarInput* in = n->scalar_inputs();
            for (int j = 0, e = n->n_in; j < e; ++j) {
                Impl* x = in[j].impl;
                const double c = in[j].partial * a;
                if (Node* up = x->grad_fn) {
                    up->touched = true;
                    up->adj_local += c;
                } else if (x->requires_grad) {  // a leaf may have stopped requiring grad since
                    ensure_grad(x)->data[0] += c;
                }
                if (free_now) {
                    in[j].impl = nullptr;
                    release(x);
                }
            }
            n->freed = free_now;
            if (n->orphaned) --s.live_nodes;  // not zero: the root is still held by *this
            continue;
        }
        propagate_general(n);
        for (std::int64_t k = 0; k < n->numel(); ++k) n->adj()[k] = 0;
        if (n->orphaned) {  // its last holder let go during this pass
            free_graph_node(n);
            --s.live_nodes;  // not zero: the root is still held by *this
        } else if (!retain) {
            free_graph_node(n);
        }
    }
}

/// A scalar tensor: `tensor(3.0)`, `tensor(3.0, requires_grad)`.
inline Tensor tensor(double v) {
    tape_detail::Impl* p = tape_detail::make_impl(tape_detail::Shape::scalar());
    p->data[0] = v;
    return Tensor(p);
}
inline Tensor tensor(double v, requires_grad_t) {
    Tensor t = tensor(v);
    t.requires_grad_(true);
    return t;
}
/// A vector: `tensor({1.0, 2.0, 3.0}, requires_grad)`.
inline Tensor tensor(std::initializer_list<double> v) {
    tape_detail::Impl* p = tape_detail::make_impl(tape_detail::Shape::vector(std::int64_t(v.size())), false);
    std::int64_t k = 0;
    for (double x : v) p->data[k++] = x;
    return Tensor(p);
}
inline Tensor tensor(std::initializer_list<double> v, requires_grad_t) {
    Tensor t = tensor(v);
    t.requires_grad_(true);
    return t;
}
/// A matrix, row by row: `tensor({{1.0, 2.0}, {3.0, 4.0}})`.
inline Tensor tensor(std::initializer_list<std::initializer_list<double>> rows) {
    const std::int64_t R = std::int64_t(rows.size()), C = R ? std::int64_t(rows.begin()->size()) : 0;
    tape_detail::Impl* p = tape_detail::make_impl(tape_detail::Shape::matrix(R, C));
    Tensor t(p);
    std::int64_t k = 0;
    for (const auto& row : rows) {
        if (std::int64_t(row.size()) != C)
            throw shape_error("tensor({{...}}): rows of different lengths (" + std::to_string(C) + " and " +
                              std::to_string(row.size()) + ")");
        for (double x : row) p->data[k++] = x;
    }
    return t;
}
inline Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, requires_grad_t) {
    Tensor t = tensor(rows);
    t.requires_grad_(true);
    return t;
}
/// A tensor from flat row-major data and a shape of rank 0, 1 or 2.
inline Tensor from_vector(const std::vector<double>& values, const std::vector<std::int64_t>& shape) {
    tape_detail::Shape s;
    if (shape.size() > 2) throw shape_error("etgrad tensors have rank 0, 1 or 2");
    s.rank = int(shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) s.dims[i] = shape[i];
    if (s.numel() != std::int64_t(values.size()))
        throw shape_error("from_vector: " + std::to_string(values.size()) + " values do not fill shape " + s.str());
    tape_detail::Impl* p = tape_detail::make_impl(s, false);  // filled below
    for (std::size_t k = 0; k < values.size(); ++k) p->data[k] = values[k];
    return Tensor(p);
}
inline Tensor zeros(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return from_vector(std::vector<double>(std::size_t(n), 0.0), shape);
}

}  // namespace etgrad
