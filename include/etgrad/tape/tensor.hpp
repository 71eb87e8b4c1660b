/// @file tensor.hpp  The runtime tape's Tensor: a handle with PyTorch's autograd semantics
/// (requires_grad, backward, gradient accumulation, retain_graph, detach, no_grad, retain_grad).
/// Copies of a handle share the tensor, as Python names do.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include <etgrad/core/expression.hpp>
#include <etgrad/tape/nodes.hpp>
#include <etgrad/tape/records.hpp>
#include <etgrad/tape/state.hpp>

namespace etgrad {

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

namespace detail {
struct tensor_access;
}  // namespace detail

/// Inside its scope no op is recorded (RAII, nestable, per thread), like torch.no_grad().
class no_grad_guard {
  public:
    no_grad_guard() : previous_(detail::state().grad_enabled) { detail::state().grad_enabled = false; }
    ~no_grad_guard() { detail::state().grad_enabled = previous_; }
    no_grad_guard(const no_grad_guard&) = delete;
    no_grad_guard& operator=(const no_grad_guard&) = delete;

  private:
    bool previous_;
};

/// A handle to a tensor of rank 0, 1 or 2 (float64 or float32) with PyTorch's autograd semantics.
/// Copies share the tensor, as Python names do. A tensor belongs to the thread that made it:
/// copying it, recording with it or calling backward on another thread throws autograd_error
/// (reading its values with item() or to_vector() is allowed; a handle may also die anywhere).
class Tensor {
  public:
    Tensor() noexcept = default;
    /// A scalar leaf from a number, so that generic code reads `T x = 1.0;` with T = Tensor
    /// (float32 from a float, float64 from any other number).
    template <class V>
        requires arithmetic<V>
    Tensor(V v)  // NOLINT: implicit on purpose
        : p_(detail::make_impl(detail::Shape::scalar(), false,
                               std::is_same_v<V, float> ? float32 : float64)) {
        detail::store(p_, 0, double(v));
    }
    Tensor(const Tensor& o) : p_(o.p_) { share(p_); }
    Tensor(Tensor&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    Tensor& operator=(const Tensor& o) {
        share(o.p_);
        detail::release(p_);
        p_ = o.p_;
        return *this;
    }
    Tensor& operator=(Tensor&& o) noexcept {
        if (this != &o) {
            detail::release(p_);
            p_ = o.p_;
            o.p_ = nullptr;
        }
        return *this;
    }
    ~Tensor() { detail::release(p_); }

    /// False for an absent gradient (`x.grad()` before any backward) or a default handle.
    bool defined() const noexcept { return p_ != nullptr; }
    double item() const {
        if (!p_ || p_->numel() != 1) [[unlikely]]
            not_a_scalar();
        return detail::load(p_, 0);
    }
    /// The elements, row-major, as T (double by default: exact for either dtype).
    template <class T = double>
        requires std::is_floating_point_v<T>
    std::vector<T> to_vector() const {
        check_defined("to_vector()");
        std::vector<T> v(std::size_t(p_->numel()));
        for (std::int64_t k = 0; k < p_->numel(); ++k) v[std::size_t(k)] = T(detail::load(p_, k));
        return v;
    }
    /// The element type: float64 (the default) or float32.
    scalar_type dtype() const noexcept { return p_ ? p_->dtype : float64; }
    /// This tensor with elements of another dtype: itself when it has that dtype already, else a
    /// copy, recorded (ToCopyBackward0) when this tensor requires grad.
    Tensor to(scalar_type dtype) const;
    std::vector<std::int64_t> shape() const {
        check_defined("shape()");
        return std::vector<std::int64_t>(p_->shape.dims, p_->shape.dims + p_->shape.rank);
    }
    std::int64_t numel() const { return defined() ? p_->numel() : 0; }
    int dim() const { return defined() ? p_->shape.rank : 0; }
    bool requires_grad() const noexcept { return p_ && p_->requires_grad; }
    bool is_leaf() const noexcept { return p_ && p_->is_leaf(); }
    /// The grad_fn's name ("MulBackward0"), or "" for a leaf.
    std::string grad_fn() const { return p_ && p_->name ? p_->name : ""; }

    /// The accumulated gradient, as a handle sharing its storage (so `x.grad().zero_()` persists);
    /// undefined unless this is a leaf that requires grad, or retain_grad() was called.
    Tensor grad() const {
        if (!p_ || !p_->grad) return Tensor{};
        share(p_->grad);
        return Tensor(p_->grad);
    }
    /// Fills with zeros in place (refused on a leaf that requires grad while recording).
    Tensor& zero_() {
        check_in_place("zero_()");
        if (p_->dtype == float32) std::fill_n(detail::f32_data(p_), p_->numel(), 0.0f);
        else std::fill_n(p_->data, p_->numel(), 0.0);
        return *this;
    }
    /// Starts or stops recording ops on this leaf, in place.
    Tensor& requires_grad_(bool on = true) {
        check_owned("requires_grad_()");
        if (!p_->is_leaf() && !on)
            throw autograd_error(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
        p_->requires_grad = on;
        return *this;
    }
    /// A new leaf sharing this tensor's storage, with no history.
    Tensor detach() const {
        check_owned("detach()");
        return Tensor(detail::make_view(*p_->home, p_, p_->shape));
    }
    /// A copy with its own storage, recorded (CloneBackward0) when this tensor requires grad.
    Tensor clone() const;
    /// Element i along the first dimension (a row of a matrix): see select() in shape.hpp.
    Tensor operator[](std::int64_t i) const;
    /// The transpose of a matrix (a tensor of fewer dimensions unchanged): transpose(*this).
    Tensor t() const;
    /// The same elements in another shape: reshape(*this, dims).
    Tensor reshape(std::initializer_list<std::int64_t> dims) const;
    /// This tensor's storage in another shape: view(*this, dims).
    Tensor view(std::initializer_list<std::int64_t> dims) const;
    /// Makes this non-leaf keep its gradient in grad() at the next backward.
    void retain_grad() {
        check_owned("retain_grad()");
        if (!p_->requires_grad)
            throw autograd_error("can't retain_grad on Tensor that has requires_grad=False");
        if (p_->is_leaf() || p_->retains_grad) return;
        p_->home->retaining.push_back(p_);
        p_->retains_grad = true;
        if (p_->home->last_impl == p_) p_->home->last_impl = nullptr;  // its statement is not folded away
        if (p_->node && p_->epoch == p_->home->epoch) p_->node->retains = true;
    }

    void backward() { run_backward(nullptr, false); }
    void backward(retain_graph_t) { run_backward(nullptr, true); }
    void backward(const Tensor& gradient) { run_backward(&gradient, false); }
    void backward(const Tensor& gradient, retain_graph_t) { run_backward(&gradient, true); }

    /// The elements of a float64 tensor, row-major (null for an undefined Tensor): data_ptr<double>().
    const double* data() const { return data_ptr<double>(); }
    double* data() { return data_ptr<double>(); }
    /// The elements, row-major, as PyTorch's data_ptr<T>(): T must be the tensor's element type
    /// (dtype_error otherwise); null for an undefined Tensor. The writable pointer counts as an
    /// in-place change: a graph that saved this tensor refuses backward afterwards.
    template <class T>
        requires(std::is_same_v<T, double> || std::is_same_v<T, float>)
    const T* data_ptr() const {
        if (!p_) return nullptr;
        check_dtype<T>();
        return reinterpret_cast<const T*>(p_->data);
    }
    template <class T>
        requires(std::is_same_v<T, double> || std::is_same_v<T, float>)
    T* data_ptr() {
        if (!p_) return nullptr;
        check_dtype<T>();
        ++p_->storage_owner()->version;
        return reinterpret_cast<T*>(p_->data);
    }

  private:
    friend struct detail::tensor_access;
    explicit Tensor(detail::Impl* adopt) noexcept : p_(adopt) {}
    [[noreturn, gnu::noinline, gnu::cold]] void not_a_scalar() const {
        check_defined("item()");
        throw shape_error("a Tensor with " + std::to_string(p_->numel()) +
                          " elements cannot be converted to a scalar (shape " + p_->shape.str() + ")");
    }
    void check_defined(const char* what) const {
        if (!p_) throw autograd_error(std::string("Tensor::") + what + " on an undefined Tensor");
    }
    void check_owned(const char* what) const {
        check_defined(what);
        if (p_->home != detail::tls_state) throw autograd_error(detail::cross_thread_message());
    }
    template <class T>
    void check_dtype() const {
        constexpr scalar_type want = std::is_same_v<T, float> ? float32 : float64;
        if (p_->dtype != want)
            throw dtype_error(std::string("expected scalar type ") + (want == float32 ? "Float" : "Double") +
                              " but found " + (p_->dtype == float32 ? "Float" : "Double"));
    }
    void check_in_place(const char* what) const {
        check_owned(what);
        if (p_->requires_grad && p_->home->grad_enabled) {
            if (p_->is_leaf())
                throw autograd_error("a leaf Variable that requires grad is being used in an in-place operation.");
            if (p_->is_view && p_->owner->is_leaf() && p_->owner->requires_grad)
                throw autograd_error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
            throw autograd_error(std::string(what) +
                                 " on a tensor that has a grad_fn is not recorded by etgrad (its history would no "
                                 "longer match its values): compute a new tensor instead (t * 0 for zero_()), or "
                                 "change it under no_grad_guard");
        }
        ++p_->storage_owner()->version;
    }
    static void share(detail::Impl* p) {
        if (!p) return;
        if (p->home != detail::tls_state) [[unlikely]]
            throw autograd_error(detail::cross_thread_message());
        ++p->refs;
    }
    void run_backward(const Tensor* gradient, bool retain);

    detail::Impl* p_ = nullptr;
};

namespace detail {
template <>
struct is_tensor<Tensor> : std::true_type {};
}  // namespace detail

namespace detail {
/// etgrad's own access to a handle's record (the ops, backward, printing, optimizers).
struct tensor_access {
    static Impl* impl(const Tensor& t) noexcept { return t.p_; }
    static Tensor adopt(Impl* p) noexcept { return Tensor(p); }
};
}  // namespace detail

}  // namespace etgrad
