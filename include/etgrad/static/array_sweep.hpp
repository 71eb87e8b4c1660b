/// @file array_sweep.hpp  The array engine's sweep: one pass over the elements of a reduction's
/// domain, in runs of up to 256 elements. A run loads its elements (or a copy, where they are
/// strided or of another type), evaluates the expression's static sweep on SIMD packs (then one
/// by one for the rest), and routes each element's gradient: stored where the gradient is its
/// own, summed where a variable is broadcast. matmul(X, w) is replaced by a variable whose run
/// values are the rows of X dotted with w and whose adjoints are contracted back into X and w.
/// Runs are split across threads in contiguous parts, combined in order.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/expression.hpp>
#include <etgrad/core/op.hpp>
#include <etgrad/math/simd.hpp>
#include <etgrad/math/wide.hpp>
#include <etgrad/math/sum.hpp>
#include <etgrad/ops/linalg.hpp>
#include <etgrad/static/array_shape.hpp>
#include <etgrad/static/bindings.hpp>
#include <etgrad/static/gradient.hpp>
#include <etgrad/static/parallel.hpp>

namespace etgrad::detail {

// ---- matmul(X, w) as a variable of its own ------------------------------------------------

template <fixed_string X, fixed_string W>
constexpr auto joined_name() {
    fixed_string<X.size() + W.size() + 2> s;
    for (std::size_t i = 0; i < X.size(); ++i) s.data[i] = X.data[i];
    s.data[X.size()] = '@';
    for (std::size_t i = 0; i < W.size(); ++i) s.data[X.size() + 1 + i] = W.data[i];
    return s;
}
template <fixed_string X, fixed_string W>
struct product_slot {
    static constexpr auto x = X;
    static constexpr auto w = W;
    static constexpr auto name = joined_name<X, W>();
};
template <class... P>
struct product_list {};
template <class... L>
struct join_products;
template <>
struct join_products<> {
    using type = product_list<>;
};
template <class... P>
struct join_products<product_list<P...>> {
    using type = product_list<P...>;
};
template <class... P, class... Q, class... Rest>
struct join_products<product_list<P...>, product_list<Q...>, Rest...> {
    using type = typename join_products<product_list<P..., Q...>, Rest...>::type;
};

/// E with every matmul(X, w) replaced by the variable "X@w"; products lists them.
template <class E>
struct lowered {
    using type = E;
    using products = product_list<>;
    static constexpr const E& of(const E& e) noexcept { return e; }
};
template <fixed_string X, fixed_string W>
struct lowered<node<matmul_op, variable<X>, variable<W>>> {
    using type = variable<product_slot<X, W>::name>;
    using products = product_list<product_slot<X, W>>;
    static constexpr type of(const node<matmul_op, variable<X>, variable<W>>&) noexcept { return {}; }
};
template <class Op, class... Cs>
struct lowered<node<Op, Cs...>> {
    using type = node<Op, typename lowered<Cs>::type...>;
    using products = typename join_products<typename lowered<Cs>::products...>::type;
    static constexpr type of(const node<Op, Cs...>& n) { return of(n, std::index_sequence_for<Cs...>{}); }
    template <std::size_t... I>
    static constexpr type of(const node<Op, Cs...>& n, std::index_sequence<I...>) {
        return type(lowered<Cs>::of(boost::hana::at_c<I>(n.args))...);
    }
};

/// The I-th name of a name_list.
template <std::size_t I, class L>
struct name_at;
template <std::size_t I, fixed_string First, fixed_string... Rest>
struct name_at<I, name_list<First, Rest...>> {
    static constexpr auto value = name_at<I - 1, name_list<Rest...>>::value;
};
template <fixed_string First, fixed_string... Rest>
struct name_at<0, name_list<First, Rest...>> {
    static constexpr auto value = First;
};

/// Names without repetition, in order of first appearance.
template <class L, class Out = name_list<>>
struct unique_names;
template <fixed_string... O>
struct unique_names<name_list<>, name_list<O...>> {
    using type = name_list<O...>;
};
template <fixed_string H, fixed_string... T, fixed_string... O>
struct unique_names<name_list<H, T...>, name_list<O...>> {
    using type = typename unique_names<name_list<T...>, std::conditional_t<(count_name<H, O...> > 0), name_list<O...>,
                                                                           name_list<O..., H>>>::type;
};

// ---- a run's variables ------------------------------------------------------------------

/// The values of a run's variables for the static sweep: element k of each array (a pointer to
/// the run's elements) or the number; V is T or a pack of T.
template <class V, class T, class Names, class Numbers>
struct run_env;
template <class V, class T, fixed_string... N, bool... IsNumber>
struct run_env<V, T, name_list<N...>, std::integer_sequence<bool, IsNumber...>> {
    const T* const* p;
    const T* c;
    std::size_t k;
    template <fixed_string Name>
    [[gnu::always_inline]] V get() const noexcept {
        constexpr std::size_t i = index_of_name<Name, N...>;
        constexpr bool number[] = {IsNumber...};
        if constexpr (number[i]) return V(c[i]);
        else if constexpr (is_pack<V>::value) return load_pack<V>(p[i] + k);
        else return p[i][k];
    }
};

/// Whether a run's variable i is a number (read from the numbers, not from an array).
template <class Numbers>
struct number_flags_of;
template <bool... IsNumber>
struct number_flags_of<std::integer_sequence<bool, IsNumber...>> {
    static constexpr bool value[sizeof...(IsNumber) + 1] = {IsNumber..., false};
};
template <class Numbers>
constexpr bool is_number(std::size_t i) noexcept {
    return number_flags_of<Numbers>::value[i];
}

/// The sweep over the first elements of a run of L in whole packs of P; returns how many.
template <class P, class Active, class T, class Names, class Numbers, class F>
[[gnu::always_inline]] inline std::size_t pack_loop(const F& f, const T* const* p, const T* c, std::size_t L, T scale,
                                                    T* vals, T* const* outs) {
    constexpr std::size_t na = Active::size, nu = Names::size, W = P::size;
    // the pointers copied to locals: the compiler then knows that no store of the loop moves them
    const T* in[nu + 1];
    T* out[na + 1];
    for (std::size_t i = 0; i < nu; ++i) in[i] = p[i];
    for (std::size_t a = 0; a < na; ++a) out[a] = outs[a];
    const P pscale(scale);
    std::size_t k = 0;
    // sweep_in's steps, with the value stored from the forward cache: copying a pack into a
    // result struct first kept g++ from holding either in registers (two dead stores a pack)
    for (; k + W <= L; k += W) {
        const auto fc = forward<P>(f, run_env<P, T, Names, Numbers>{in, c, k});
        store_pack(fc.v, vals + k);
        if constexpr (na > 0) {
            gradient_for_t<P, Active> g;
            reverse_sweep<Active, P>(f, fc, g);
            for (std::size_t a = 0; a < na; ++a) store_pack(P(g.values[a] * pscale), out[a] + k);
        }
    }
    return k;
}
#if ETGRAD_HAS_WIDE
/// pack_loop on AVX2 packs (called where the processor runs AVX2: see wide.hpp).
template <class Active, class T, class Names, class Numbers, class F>
ETGRAD_WIDE_FUNCTION std::size_t pack_loop_wide(const F& f, const T* const* p, const T* c, std::size_t L, T scale,
                                                T* vals, T* const* outs) {
    return pack_loop<wide<T>, Active, T, Names, Numbers>(f, p, c, L, scale, vals, outs);
}
#endif

/// Evaluates the sweep over one run of L elements: values into vals, each active variable's
/// gradient (times scale) into outs.
template <class Active, class T, class Names, class Numbers, class F>
[[gnu::always_inline]] inline void run_kernel(const F& f, const T* const* p, const T* c, std::size_t L, T scale,
                                              T* vals, T* const* outs) {
    constexpr std::size_t na = Active::size, nu = Names::size;
    std::size_t k = 0;
    using P = typename pack_for<T>::type;
    if constexpr (!std::is_void_v<P> && expression_packs_v<F>) {  // every op's rules take packs
#if ETGRAD_HAS_WIDE
        const bool wide_loop = simd_dispatch_active();
#else
        constexpr bool wide_loop = false;
#endif
        auto loop = [&](const T* const* from, std::size_t n, T* v, T* const* o) {
#if ETGRAD_HAS_WIDE
            if (wide_loop) return pack_loop_wide<Active, T, Names, Numbers>(f, from, c, n, scale, v, o);
#endif
            return pack_loop<P, Active, T, Names, Numbers>(f, from, c, n, scale, v, o);
        };
        k = loop(p, L, vals, outs);
        // the last elements, fewer than a pack: one more pack, its missing lanes copies of the
        // first of them (so that a short array, too, gets the pack functions, not a libm call
        // per function and element)
        constexpr std::size_t Wmax = 32 / sizeof(T);
        const std::size_t W = wide_loop ? Wmax : P::size;
        if (k < L) {
            T tin[nu + 1][Wmax], tval[Wmax], tout[na + 1][Wmax];
            const T* tp[nu + 1]{};
            T* to[na + 1]{};
            for (std::size_t i = 0; i < nu; ++i) {
                tp[i] = p[i];
                if (is_number<Numbers>(i)) continue;
                for (std::size_t e = 0; e < W; ++e) tin[i][e] = p[i][k + (k + e < L ? e : 0)];
                tp[i] = tin[i];
            }
            for (std::size_t a = 0; a < na; ++a) to[a] = tout[a];
            loop(tp, W, tval, to);
            for (std::size_t e = 0; k + e < L; ++e) {
                vals[k + e] = tval[e];
                for (std::size_t a = 0; a < na; ++a) outs[a][k + e] = tout[a][e];
            }
            k = L;
        }
    }
    const T* in[nu + 1];
    T* out[na + 1];
    for (std::size_t i = 0; i < nu; ++i) in[i] = p[i];
    for (std::size_t a = 0; a < na; ++a) out[a] = outs[a];
    for (; k < L; ++k) {
        const auto e = sweep_in<Active, T>(f, run_env<T, T, Names, Numbers>{in, c, k});
        vals[k] = e.value;
        for (std::size_t a = 0; a < na; ++a) out[a][k] = e.grad.values[a] * scale;
    }
}

/// Where a variable's gradient goes. number: summed; direct: each domain element has its own
/// gradient element, stored at dest; accumulate: added into a buffer of the thread's, then the
/// threads' buffers are added in order.
template <class T>
struct sink {
    enum kind_t { none, number, direct, accumulate } kind = none;
    T* dest = nullptr;                     // the gradient (direct), element (0, 0)
    std::ptrdiff_t d0 = 0, d1 = 0;         // its strides over the domain
    std::ptrdiff_t a0 = 0, a1 = 0;         // strides over the domain into the thread's buffer
    std::size_t count = 0;                 // elements of the gradient
    std::size_t rows = 1, cols = 1;        // the gradient's shape (rank 2: rows, cols)
    std::ptrdiff_t rs = 0, cs = 1;         // the destination's strides in that shape
};

/// Numbers of type T, up to 32 of them kept inside (small arrays' passes allocate nothing).
template <class T>
class small_buffer {
    static constexpr std::size_t inside = 32;
    T local_[inside];
    std::vector<T> heap_;
    std::size_t size_ = 0;

  public:
    /// n elements, each v.
    void assign(std::size_t n, T v) {
        if (n > inside && n > heap_.size()) heap_.resize(n);
        size_ = n;
        T* p = data();
        for (std::size_t i = 0; i < n; ++i) p[i] = v;
    }
    T* data() noexcept { return size_ > inside ? heap_.data() : local_; }
    const T* data() const noexcept { return size_ > inside ? heap_.data() : local_; }
    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data()[i]; }
    const T& operator[](std::size_t i) const noexcept { return data()[i]; }
};

/// A thread's share: its sums and buffers (combined in order by the caller).
template <class T, std::size_t NA>
struct part_state {
    cascade_sum<T> value;
    std::array<cascade_sum<T>, NA + 1> numbers;
    std::array<small_buffer<T>, NA + 1> buffers;
};

/// The product slot named Name among P... (void when Name names none).
template <fixed_string Name, class... P>
struct find_product {
    using type = void;
};
template <fixed_string Name, class P, class... Rest>
struct find_product<Name, P, Rest...> {
    using type = std::conditional_t<P::name == Name, P, typename find_product<Name, Rest...>::type>;
};
template <fixed_string Name, class Products>
struct product_of;
template <fixed_string Name, class... P>
struct product_of<Name, product_list<P...>> {
    using type = typename find_product<Name, P...>::type;
};

/// How many products take Name as their matrix, and as their vector.
template <fixed_string Name, class Products>
struct product_uses;
template <fixed_string Name, class... P>
struct product_uses<Name, product_list<P...>> {
    static constexpr std::size_t as_matrix = (std::size_t{0} + ... + std::size_t(P::x == Name));
    static constexpr std::size_t as_vector = (std::size_t{0} + ... + std::size_t(P::w == Name));
};

/// The name of used variable S for messages: its own, or matmul(X, w) for a product.
template <class Used, class Products, std::size_t S = 0>
std::string slot_name(std::size_t s) {
    if constexpr (S >= Used::size) {
        return "";
    } else if (s != S) {
        return slot_name<Used, Products, S + 1>(s);
    } else {
        constexpr auto N = name_at<S, Used>::value;
        using PS = typename product_of<N, Products>::type;
        if constexpr (std::is_void_v<PS>) return N.c_str();
        else return std::string("matmul(") + PS::x.c_str() + ", " + PS::w.c_str() + ")";
    }
}

/// A binding's elements and shape (a number: rank 0, no elements).
template <class T, class B>
auto access_or_number(const B& b) {
    if constexpr (array_value<typename B::value_type>) return access_of(b.value);
    else return array_access<T>{};
}

/// Fills s for a gradient g (a number, std::vector, matrix, or the caller's view) of a binding of
/// shape bs; throws shape_error when the caller's buffer does not fit.
template <class T, class G>
void prepare_sink(sink<T>& s, G& g, const array_shape& bs, const char* name) {
    if constexpr (std::is_same_v<G, T>) {
        g = T(0);
        s.kind = sink<T>::number;
        return;
    } else {
        const std::size_t count = bs.count();
        s.count = count;
        s.rows = bs.rows();
        s.cols = bs.cols();
        if constexpr (requires { g.resize(count); }) {
            g.resize(count);
            s.rs = std::ptrdiff_t(s.cols);
        } else if constexpr (requires { g.n_rows; g.values; }) {
            g.n_rows = s.rows;
            g.n_cols = s.cols;
            g.values.assign(count, T(0));
            s.rs = std::ptrdiff_t(s.cols);
        } else if constexpr (requires { g.row_stride(); }) {  // the caller's matrix_view
            if (bs.rank != 2 || g.rows() != s.rows || g.cols() != s.cols)
                throw shape_error(std::string("into: the gradient buffer for ") + name + " is [" +
                                  std::to_string(g.rows()) + ", " + std::to_string(g.cols()) + "], its array " +
                                  to_string(bs));
            s.rs = g.row_stride();
            s.cs = g.col_stride();
        } else {  // the caller's contiguous buffer, row by row
            if (g.size() != count)
                throw shape_error(std::string("into: the gradient buffer for ") + name + " has " +
                                  std::to_string(g.size()) + " elements, its array " + std::to_string(count));
            s.rs = std::ptrdiff_t(s.cols);
        }
        s.dest = g.data();
    }
}

/// Zeroes a gradient that nothing writes (a variable the expression does not use).
template <class T>
void zero_sink(const sink<T>& s) {
    for (std::size_t i = 0; i < s.rows; ++i)
        for (std::size_t j = 0; j < s.cols; ++j) s.dest[std::ptrdiff_t(i) * s.rs + std::ptrdiff_t(j) * s.cs] = T(0);
}

}  // namespace etgrad::detail
