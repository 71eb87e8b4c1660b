/// @file array.hpp  Arrays in the static engine: variables bound to arrays (std::vector,
/// std::array, std::span, anything with data() and size()) in an elementwise expression, reduced
/// by sum or mean. Numbers broadcast over the arrays, as in PyTorch; the gradient of an array
/// variable is an array of its length, that of a number a number.
///
///   auto r = value_and_grad(mean(x * x), x = std::vector{1.0, 2.0, 3.0});  // r.grad[x]: 0.667 1.333 2
///
/// One pass over the elements: each element's value and partials come from the static sweep of
/// the expression at that element, so the gradient is the hand-written loop's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <etgrad/core/errors.hpp>
#include <etgrad/core/exceptions.hpp>
#include <etgrad/core/expression.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/static/bindings.hpp>
#include <etgrad/static/array_pass.hpp>
#include <etgrad/static/array_short.hpp>
#include <etgrad/static/array_shape.hpp>
#include <etgrad/static/gradient.hpp>
#include <etgrad/ops/linalg.hpp>

namespace etgrad {

struct sum_reduction {
    static constexpr char name[] = "sum";
    static constexpr bool mean = false;
};
struct mean_reduction {
    static constexpr char name[] = "mean";
    static constexpr bool mean = true;
};

/// An elementwise expression reduced to a number: `sum(f)`, `mean(f)`. Differentiated by
/// value_and_grad and grad at bindings of arrays and numbers.
template <class Kind, class E>
struct reduction {
    E expr;
};

/// The sum of an expression's elements over its array variables (the expression itself when
/// every variable is bound to a number).
template <expression E>
constexpr reduction<sum_reduction, E> sum(const E& e) {
    return {e};
}
/// The mean of an expression's elements (NaN over empty arrays, as PyTorch).
template <expression E>
constexpr reduction<mean_reduction, E> mean(const E& e) {
    return {e};
}
/// sum(a * b): the dot product of two array expressions.
template <expression A, expression B>
constexpr auto dot(const A& a, const B& b) {
    return sum(a * b);
}

/// A caller's buffer that receives an array variable's gradient: `into(x, buffer)`.
template <class T>
struct array_view {
    T* ptr = nullptr;
    std::size_t n = 0;
    constexpr T* data() const noexcept { return ptr; }
    constexpr std::size_t size() const noexcept { return n; }
    constexpr T& operator[](std::size_t i) const noexcept { return ptr[i]; }
};
template <fixed_string Name, class View>
struct grad_into {
    static constexpr auto name = Name;
    using value_type = std::remove_cvref_t<decltype(*std::declval<View>().data())>;
    View out;
};
/// Where value_and_grad writes array gradients instead of returning new vectors (a loop that
/// must not allocate): `value_and_grad(mean(f), into(x, gx), x = values)`; each buffer must have
/// its array's length (else shape_error) and stays the caller's.
template <class... O>
struct into_list {
    boost::hana::basic_tuple<O...> outs;
};
constexpr into_list<> into() noexcept { return {}; }
template <fixed_string N, class A, class... Rest>
    requires detail::array_value<A> && (!std::is_const_v<std::remove_reference_t<decltype(*std::declval<A&>().data())>>)
constexpr auto into(variable<N>, A& buffer, Rest&... rest) {
    using T = detail::element_t<A>;
    const auto head = [&] {
        if constexpr (detail::matrix_value<A>) {
            const auto [rs, cs] = detail::matrix_strides(buffer);
            return grad_into<N, matrix_view<T>>{
                {buffer.data(), std::size_t(buffer.rows()), std::size_t(buffer.cols()), rs, cs}};
        } else {
            return grad_into<N, array_view<T>>{{buffer.data(), std::size_t(buffer.size())}};
        }
    }();
    return boost::hana::unpack(into(rest...).outs, [&](const auto&... o) {
        using H = std::remove_const_t<decltype(head)>;
        return into_list<H, std::remove_cvref_t<decltype(o)>...>{
            boost::hana::basic_tuple<H, std::remove_cvref_t<decltype(o)>...>(head, o...)};
    });
}

/// value_and_grad of a reduction: `r.value` and `r.grad[x]`, a std::vector for an array
/// variable and a number for a number.
template <class T, class Names, class Grads>
struct array_value_and_gradient;
template <class T, fixed_string... Names, class... G>
struct array_value_and_gradient<T, detail::name_list<Names...>, boost::hana::basic_tuple<G...>> {
    struct gradient_type {
        boost::hana::basic_tuple<G...> values;
        template <fixed_string N>
        constexpr const auto& operator[](variable<N>) const noexcept {
            static_assert(detail::count_name<N, Names...> > 0,
                          "etgrad: the gradient was not computed for this variable (bind it, or list it in wrt)");
            return boost::hana::at_c<detail::index_of_name<N, Names...>>(values);
        }
        template <fixed_string N>
        constexpr auto& operator[](variable<N>) noexcept {
            static_assert(detail::count_name<N, Names...> > 0,
                          "etgrad: the gradient was not computed for this variable (bind it, or list it in wrt)");
            return boost::hana::at_c<detail::index_of_name<N, Names...>>(values);
        }
    };
    T value;
    gradient_type grad;
};

namespace detail {

template <fixed_string Name, class... B>
using bound_type = typename nth_type<index_of_name<Name, B::name...>, B...>::type::value_type;

template <fixed_string Name, class... O>
inline constexpr bool has_into = count_name<Name, O::name...> > 0;

/// The gradient of a variable bound to V: a number, a std::vector, an etgrad::matrix.
template <class T, class V>
using gradient_of =
    std::conditional_t<matrix_value<V>, matrix<T>, std::conditional_t<array_value<V>, std::vector<T>, T>>;
/// The caller's buffer of into(Name, buffer) among O... (its view type).
template <fixed_string Name, class... O>
using into_view_t = decltype(boost::hana::at_c<index_of_name<Name, O::name...>>(
                                 std::declval<boost::hana::basic_tuple<O...>>()).out);

/// Each active variable's gradient: the caller's buffer (into), or one of the engine's.
template <class T, class Active, class Into, class... B>
struct array_result;
template <class T, fixed_string... A, class... O, class... B>
struct array_result<T, name_list<A...>, into_list<O...>, B...> {
    template <fixed_string N>
    static auto pick() {
        if constexpr (has_into<N, O...>) return std::type_identity<into_view_t<N, O...>>{};
        else return std::type_identity<gradient_of<T, bound_type<N, B...>>>{};
    }
    using type = array_value_and_gradient<T, name_list<A...>,
                                          boost::hana::basic_tuple<typename decltype(pick<A>())::type...>>;
};

/// Whether Name is bound to an array among the bindings B.
template <fixed_string Name, class... B>
constexpr bool bound_to_array() {
    if constexpr (count_name<Name, B::name...> == 0) return false;
    else return array_value<bound_type<Name, B...>>;
}
/// Every variable of into(...) must be differentiated and bound to an array, its buffer of the
/// call's value type.
template <class T, class Active, class Into, class... B>
struct into_check;
template <class T, fixed_string... A, class... O, class... B>
struct into_check<T, name_list<A...>, into_list<O...>, B...> {
    static constexpr bool bound = (bound_to_array<O::name, B...>() && ...);
    static constexpr bool active = ((count_name<O::name, A...> > 0) && ...);
    static constexpr bool typed = (std::is_same_v<typename O::value_type, T> && ...);
    static constexpr bool ok = bound && active && typed;
    static constexpr void report() {
        static_assert(bound, "etgrad: into(x, buffer): x must be bound to an array in the call");
        static_assert(!bound || active, "etgrad: into(x, buffer): x must be differentiated (bound, or listed in wrt)");
        static_assert(!bound || !active || typed,
                      "etgrad: into(x, buffer): the buffer's element type must be the value type of the call");
    }
};

template <class Active, class Kind, class E, class... O, class... B>
[[gnu::always_inline]] inline auto array_sweep(const reduction<Kind, E>& f, const into_list<O...>& into,
                                               const B&... b) {
    using T = real_t<typename element_type<typename B::value_type>::type...>;
    typename array_result<T, Active, into_list<O...>, B...>::type r{};
    each(std::make_index_sequence<Active::size>{}, [&](auto I) {
        constexpr auto A = name_at<I(), Active>::value;
        if constexpr (has_into<A, O...>) boost::hana::at_c<I()>(r.grad.values) =
            boost::hana::at_c<index_of_name<A, O::name...>>(into.outs).out;
    });
    if constexpr (short_path_applies<Active, T, E, B...>)
        if (short_pass<Active, Kind::mean>(r, f.expr, b...)) return r;
    if constexpr (short_product_path_applies<Active, T, E, B...>)
        if (short_product_pass<Active, Kind::mean>(r, f.expr, b...)) return r;
    array_pass<Active, Kind::mean>(r, Kind::name, f.expr, b...);
    return r;
}

}  // namespace detail

namespace detail {
/// The values of an elementwise expression at arrays: a std::vector, or a matrix when a matrix
/// is bound to one of its variables (matmul's operands aside).
template <>
struct array_evaluate<array_tag> {
    template <class T, class Used, class... B>
    static constexpr bool any_matrix() {
        return ((in_list<B::name, Used>::value && matrix_value<typename B::value_type>) || ...);
    }
    template <class F, class... B>
    static auto call(const F& f, const B&... b) {
        using T = real_t<typename element_type<typename B::value_type>::type...>;
        using Used = typename unique_names<typename vars_of<typename lowered<F>::type>::type>::type;
        using C = std::conditional_t<any_matrix<T, Used, B...>(), matrix<T>, std::vector<T>>;
        struct map_result {
            T value{};
            struct {
                boost::hana::basic_tuple<> values;
            } grad;
            C out;
            T* allocate(const array_shape& s) {
                if constexpr (std::is_same_v<C, matrix<T>>) {
                    out.n_rows = s.rows();
                    out.n_cols = s.cols();
                    out.values.resize(s.count());
                } else {
                    out.resize(s.count());
                }
                return out.data();
            }
        } r;
        array_pass<name_list<>, false, true>(r, "evaluate", f, b...);
        return std::move(r.out);
    }
};

/// The bindings and into(...) checked (one compile error naming the fix), then the sweep.
/// Vectors of fixed sizes used elementwise must agree (or be of size 1): found at compile time.
template <class Used, class... B>
struct extent_check {
    template <class Bd>
    static constexpr std::size_t extent() {
        using V = typename Bd::value_type;
        if constexpr (!array_value<V> || matrix_value<V>) return std::size_t(-1);
        else if constexpr (!in_list<Bd::name, Used>::value) return std::size_t(-1);
        else return fixed_extent<V>::value;
    }
    struct clash_t {
        std::size_t first, second;  // positions of the first fixed size other than 1 and of one that differs
        std::size_t size_first, size_second;
    };
    static constexpr clash_t clash = [] {
        const std::size_t e[] = {extent<B>()..., std::size_t(-1)};
        constexpr std::size_t none = std::size_t(-1), n = sizeof...(B);
        std::size_t first = n;
        for (std::size_t i = 0; i < n; ++i)
            if (e[i] != none && e[i] != 1) {
                if (first == n) first = i;
                else if (e[i] != e[first]) return clash_t{first, i, e[first], e[i]};
            }
        return clash_t{n, n, 0, 0};
    }();
    static constexpr bool ok = clash.second == sizeof...(B);
    static constexpr void report() {
        if constexpr (!ok) {
            using A = typename nth_type<clash.first, B...>::type;
            using C = typename nth_type<clash.second, B...>::type;
            detail::report<error::arrays_of_fixed_sizes_that_differ_do_not_broadcast<
                chars_of<A::name>, std::integral_constant<std::size_t, clash.size_first>, chars_of<C::name>,
                std::integral_constant<std::size_t, clash.size_second>>>();
        }
    }
};

template <class Active, class Kind, class E, class... O, class... B>
[[gnu::always_inline]] inline auto checked_array_sweep(const reduction<Kind, E>& f, const into_list<O...>& out,
                                                       const B&... b) {
    using T = real_t<typename element_type<typename B::value_type>::type...>;
    using check = into_check<T, Active, into_list<O...>, B...>;
    using extents = extent_check<typename unique_names<typename vars_of<typename lowered<E>::type>::type>::type, B...>;
    if constexpr (!bindings_valid<E, B...>()) {
        check_bindings<E, B...>();
        return invalid_call{};
    } else if constexpr (!check::ok) {
        check::report();
        return invalid_call{};
    } else if constexpr (!extents::ok) {
        extents::report();
        return invalid_call{};
    } else {
        return array_sweep<Active>(f, out, b...);
    }
}
}  // namespace detail

/// Value and gradient of a reduction with respect to every bound variable:
/// `auto r = value_and_grad(mean(x * x), x = values); r.grad[x]` (a std::vector).
template <class Kind, class E, class... B>
[[gnu::always_inline]] inline auto value_and_grad(const reduction<Kind, E>& f, const B&... b) {
    return detail::checked_array_sweep<detail::name_list<B::name...>>(f, into(), b...);
}
/// The same, writing the gradients of the arrays named in into(...) into the caller's buffers
/// (r.grad[x] is then a view of the buffer).
template <class Kind, class E, class... O, class... B>
[[gnu::always_inline]] inline auto value_and_grad(const reduction<Kind, E>& f, const into_list<O...>& out,
                                                  const B&... b) {
    return detail::checked_array_sweep<detail::name_list<B::name...>>(f, out, b...);
}
/// Value and gradient of a reduction with respect to the listed variables only.
template <class Kind, class E, fixed_string... W, class... O, class... B>
[[gnu::always_inline]] inline auto value_and_grad(const reduction<Kind, E>& f, wrt_list<W...>,
                                                  const into_list<O...>& out, const B&... b) {
    if constexpr (!detail::wrt_valid<W...>) {
        detail::check_wrt<W...>();
        return detail::invalid_call{};
    } else {
        return detail::checked_array_sweep<detail::name_list<W...>>(f, out, b...);
    }
}
template <class Kind, class E, fixed_string... W, class... B>
[[gnu::always_inline]] inline auto value_and_grad(const reduction<Kind, E>& f, wrt_list<W...> w, const B&... b) {
    return value_and_grad(f, w, into(), b...);
}
/// d(sum(f), x), d(mean(f), x): the derivative of a reduction with respect to one variable.
/// Its elementwise() is d(f, x), a symbolic expression (printable, differentiable again; needs
/// <etgrad/symbolic.hpp>): the gradient's element i is elementwise() at element i (divided by
/// the number of elements for a mean), summed over the elements a variable is broadcast over
/// (all of them for a number). Called with bindings it computes that gradient.
template <class Kind, class E, fixed_string N>
struct reduction_derivative {
    E expr;
    constexpr auto elementwise() const { return d(expr, variable<N>{}); }
    template <class... B>
    auto operator()(const B&... b) const {
        return value_and_grad(reduction<Kind, E>{expr}, wrt(variable<N>{}), b...).grad[variable<N>{}];
    }
    /// elementwise() as text, `/n` after it for a mean (n: the number of elements).
    std::string str() const {
        const std::string e = to_string(elementwise());  // symbolic/print.hpp, found when instantiated
        return Kind::mean ? "(" + e + ")/n" : e;
    }
    template <class OS>
        requires requires(OS& os, const std::string& t) { os << t; }
    friend OS& operator<<(OS& os, const reduction_derivative& r) {
        os << r.str();
        return os;
    }
};
template <class Kind, class E, fixed_string N>
constexpr reduction_derivative<Kind, E, N> d(const reduction<Kind, E>& r, variable<N>) {
    return {r.expr};
}

/// The gradient alone: `grad(mean(x * x), x = values)[x]`.
template <class Kind, class E, class... B>
auto grad(const reduction<Kind, E>& f, const B&... b) {
    return value_and_grad(f, b...).grad;
}
}  // namespace etgrad
