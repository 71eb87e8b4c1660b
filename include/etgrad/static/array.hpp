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
#include <etgrad/math/sum.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/static/bindings.hpp>
#include <etgrad/static/gradient.hpp>

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
template <fixed_string Name, class T>
struct grad_into {
    static constexpr auto name = Name;
    array_view<T> out;
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
    requires detail::array_value<A> && (!std::is_const_v<A>)
constexpr auto into(variable<N>, A& buffer, Rest&... rest) {
    using T = std::remove_cvref_t<decltype(*buffer.data())>;
    const grad_into<N, T> head{{buffer.data(), std::size_t(buffer.size())}};
    return boost::hana::unpack(into(rest...).outs, [&](const auto&... o) {
        using L = into_list<grad_into<N, T>, std::remove_cvref_t<decltype(o)>...>;
        return L{boost::hana::basic_tuple<grad_into<N, T>, std::remove_cvref_t<decltype(o)>...>(head, o...)};
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

/// A binding's element type: an array's numbers, or the number itself.
template <class V>
struct element_type {
    using type = V;
};
template <class V>
    requires array_value<V>
struct element_type<V> {
    using type = std::remove_cvref_t<decltype(*std::declval<const V&>().data())>;
};

/// The binding of element i: an array's element, or the number (broadcast).
template <class T, class B>
[[gnu::always_inline]] constexpr binding<B::name, T> element_binding(const B& b, std::size_t i) {
    if constexpr (array_value<typename B::value_type>) return {T(b.value.data()[i])};
    else return {T(b.value)};
}

template <fixed_string Name, class... B>
inline constexpr bool binds_array = array_value<typename std::remove_cvref_t<decltype(
    boost::hana::at_c<index_of_name<Name, B::name...>>(std::declval<boost::hana::basic_tuple<B...>>()))>::value_type>;

template <fixed_string Name, class... O>
inline constexpr bool has_into = count_name<Name, O::name...> > 0;

/// Each active variable's gradient: the caller's buffer (into), a new vector (an array), or a number.
template <class T, class Active, class Into, class... B>
struct array_result;
template <class T, fixed_string... A, class... O, class... B>
struct array_result<T, name_list<A...>, into_list<O...>, B...> {
    using type = array_value_and_gradient<
        T, name_list<A...>,
        boost::hana::basic_tuple<std::conditional_t<
            has_into<A, O...>, array_view<T>, std::conditional_t<binds_array<A, B...>, std::vector<T>, T>>...>>;
};

/// Whether Name is bound to an array among the bindings B.
template <fixed_string Name, class... B>
constexpr bool bound_to_array() {
    if constexpr (count_name<Name, B::name...> == 0) return false;
    else return binds_array<Name, B...>;
}
/// Every variable of into(...) must be differentiated and bound to an array.
template <class Active, class Into, class... B>
struct into_check;
template <fixed_string... A, class... O, class... B>
struct into_check<name_list<A...>, into_list<O...>, B...> {
    static constexpr bool bound = (bound_to_array<O::name, B...>() && ...);
    static constexpr bool active = ((count_name<O::name, A...> > 0) && ...);
    static constexpr bool ok = bound && active;
    static constexpr void report() {
        static_assert(bound, "etgrad: into(x, buffer): x must be bound to an array in the call");
        static_assert(!bound || active, "etgrad: into(x, buffer): x must be differentiated (bound, or listed in wrt)");
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

/// The caller's buffer for variable Name, checked against the array's length n.
template <class T, fixed_string Name, class... O>
array_view<T> into_buffer(const into_list<O...>& into, std::size_t n) {
    const auto& o = boost::hana::at_c<index_of_name<Name, O::name...>>(into.outs);
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(o.out)>, array_view<T>>,
                  "etgrad: into(x, buffer): the buffer's element type must be the value type of the call");
    if (o.out.size() != n)
        throw shape_error(std::string("into: the gradient buffer for ") + Name.c_str() + " has " +
                          std::to_string(o.out.size()) + " elements, its array " + std::to_string(n));
    return o.out;
}

/// The length the array bindings share (shape_error naming both lengths when they differ,
/// before any work); 1 when every variable is bound to a number.
template <class... B>
std::size_t common_length(const char* what, const B&... b) {
    std::size_t n = 0;
    bool any = false;
    auto visit = [&](const auto& bound, const char* name) {
        if constexpr (array_value<typename std::remove_cvref_t<decltype(bound)>::value_type>) {
            const std::size_t m = std::size_t(bound.value.size());
            if (any && m != n)
                throw shape_error(std::string(what) + ": the arrays bound to the variables have different lengths ([" +
                                  std::to_string(n) + "] and [" + std::to_string(m) + "], the latter bound to " +
                                  name + ")");
            n = m;
            any = true;
        }
    };
    (visit(b, B::name.c_str()), ...);
    return any ? n : 1;
}

/// f(integral_constant<I>) for each I.
template <std::size_t... I, class F>
[[gnu::always_inline]] constexpr void each(std::index_sequence<I...>, F&& f) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
    (void)f;
}

template <class Active, class Into, class Kind, class E, class... B>
auto array_sweep(const reduction<Kind, E>& f, const Into& into, const B&... b) {
    using T = real_t<typename element_type<typename B::value_type>::type...>;
    using R = typename array_result<T, Active, Into, B...>::type;
    const std::size_t n = common_length(Kind::name, b...);
    R r{};
    constexpr std::size_t n_active = Active::size;
    each(std::make_index_sequence<n_active>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, array_view<T>>)
            g = into_buffer<T, name_at<I(), Active>::value>(into, n);
        else if constexpr (requires { g.resize(n); })
            g.resize(n);
    });
    // the mean's 1/n: each element's partials scaled as they are stored (NaN of an empty mean
    // stays in the value; gradients over no element are empty, or 0 for numbers)
    const T scale = Kind::mean ? T(1) / T(n) : T(1);
    cascade_sum<T> value;
    cascade_sum<T> number_grads[n_active > 0 ? n_active : 1];
    for (std::size_t i = 0; i < n; ++i) {
        const auto e = sweep<Active>(f.expr, element_binding<T>(b, i)...);
        value.add(e.value);
        each(std::make_index_sequence<n_active>{}, [&](auto I) {
            auto& g = boost::hana::at_c<I()>(r.grad.values);
            if constexpr (requires { g[i]; }) g[i] = e.grad.values[I()] * scale;
            else number_grads[I()].add(e.grad.values[I()]);
        });
    }
    r.value = Kind::mean ? value.total() / T(n) : value.total();  // divided: correctly rounded, as PyTorch
    each(std::make_index_sequence<n_active>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (!requires { g[0]; }) g = n == 0 ? T(0) : number_grads[I()].total() * scale;
    });
    return r;
}

}  // namespace detail

namespace detail {
/// The bindings and into(...) checked (one compile error naming the fix), then the sweep.
template <class Active, class Kind, class E, class... O, class... B>
auto checked_array_sweep(const reduction<Kind, E>& f, const into_list<O...>& out, const B&... b) {
    using check = into_check<Active, into_list<O...>, B...>;
    if constexpr (!bindings_valid<E, B...>()) {
        check_bindings<E, B...>();
        return invalid_call{};
    } else if constexpr (!check::ok) {
        check::report();
        return invalid_call{};
    } else {
        return array_sweep<Active>(f, out, b...);
    }
}
}  // namespace detail

/// Value and gradient of a reduction with respect to every bound variable:
/// `auto r = value_and_grad(mean(x * x), x = values); r.grad[x]` (a std::vector).
template <class Kind, class E, class... B>
auto value_and_grad(const reduction<Kind, E>& f, const B&... b) {
    return detail::checked_array_sweep<detail::name_list<B::name...>>(f, into(), b...);
}
/// The same, writing the gradients of the arrays named in into(...) into the caller's buffers
/// (r.grad[x] is then a view of the buffer).
template <class Kind, class E, class... O, class... B>
auto value_and_grad(const reduction<Kind, E>& f, const into_list<O...>& out, const B&... b) {
    return detail::checked_array_sweep<detail::name_list<B::name...>>(f, out, b...);
}
/// Value and gradient of a reduction with respect to the listed variables only.
template <class Kind, class E, fixed_string... W, class... O, class... B>
auto value_and_grad(const reduction<Kind, E>& f, wrt_list<W...>, const into_list<O...>& out, const B&... b) {
    if constexpr (!detail::wrt_valid<W...>) {
        detail::check_wrt<W...>();
        return detail::invalid_call{};
    } else {
        return detail::checked_array_sweep<detail::name_list<W...>>(f, out, b...);
    }
}
template <class Kind, class E, fixed_string... W, class... B>
auto value_and_grad(const reduction<Kind, E>& f, wrt_list<W...> w, const B&... b) {
    return value_and_grad(f, w, into(), b...);
}
/// The gradient alone: `grad(mean(x * x), x = values)[x]`.
template <class Kind, class E, class... B>
auto grad(const reduction<Kind, E>& f, const B&... b) {
    return value_and_grad(f, b...).grad;
}
}  // namespace etgrad
