/// @file check.hpp  Gradient formulas checked by the compiler:
///   static_assert(check_derivative(loss, w, (sigmoid(w * x + b) - y) * x,
///                                  at(w = 1.0, b = 0.0, x = 6.7, y = 0.0)));
/// proves `formula == d(loss, w)` structurally (canonical forms) where simplification reaches,
/// and otherwise by constant evaluation at the given points (etgrad's constexpr math). A wrong
/// formula is a compile error naming the formula, the variable and the point.
#pragma once
#include <cstddef>

#include <boost/hana/basic_tuple.hpp>

#include <etgrad/core/expression.hpp>
#include <etgrad/static/evaluate.hpp>
#include <etgrad/symbolic/derivative.hpp>
#include <etgrad/symbolic/name_of.hpp>

namespace etgrad {

/// A point: the bindings at which a formula is compared with the derivative.
template <class... B>
struct point {
    boost::hana::basic_tuple<B...> bindings;
};
template <class... B>
constexpr point<B...> at(const B&... b) {
    static_assert((detail::is_binding_v<B> && ...), "etgrad::at(...): pass bindings such as x = 1.0");
    return {boost::hana::basic_tuple<B...>(b...)};
}

namespace detail {
/// Named so that the compiler's note reads as the diagnosis. g++ prints the formula, the
/// variable and the point's variables (template arguments) and, a frame above, the point;
/// clang++ prints the two values and the point's values (arguments) and the formula as written.
template <fixed_string Formula, fixed_string WithRespectTo, fixed_string AtVariables, class... V>
constexpr void the_formula_differs_from_the_derivative([[maybe_unused]] double formula_value,
                                                        [[maybe_unused]] double derivative_value,
                                                        [[maybe_unused]] V... at_values) {
    if (formula_value != derivative_value) throw "etgrad: the formula differs from the derivative at this point";
}
template <fixed_string Formula, fixed_string WithRespectTo>
constexpr void the_formula_is_not_structurally_equal_and_no_point_was_given(bool fail) {
    if (fail) throw "etgrad: the formula is not structurally equal to the derivative; give points: at(x = ...)";
}

template <fixed_string... Names>
constexpr auto join_names() {
    constexpr std::size_t n = (std::size_t{0} + ... + (Names.size() + 1));
    fixed_string<(n > 0 ? n : 1)> out{};
    std::size_t k = 0;
    (((k ? void(out.data[k - 1] = ',') : void()), [&] {
         for (std::size_t i = 0; i < Names.size(); ++i) out.data[k++] = Names.data[i];
         ++k;
     }()),
     ...);
    return out;
}
template <fixed_string... Names>
inline constexpr auto joined_names = join_names<Names...>();

constexpr bool close(double a, double b) {
    const double m = (a < 0 ? -a : a) > (b < 0 ? -b : b) ? (a < 0 ? -a : a) : (b < 0 ? -b : b);
    const double diff = a - b < 0 ? b - a : a - b;
    return diff <= 1e-9 * (m > 1 ? m : 1);
}

template <class... B>
constexpr auto index_sequence_of(const point<B...>&) {
    return std::index_sequence_for<B...>{};
}
template <class E, class... B, std::size_t... I>
constexpr double value_at(const E& e, const point<B...>& p, std::index_sequence<I...>) {
    return double(evaluate(e, boost::hana::at_c<I>(p.bindings)...));
}
template <fixed_string N, class DF, class G, class... B, std::size_t... I>
constexpr void check_at(const DF& df, const G& formula, const point<B...>& p, std::index_sequence<I...> is) {
    const double lhs = value_at(formula, p, is), rhs = value_at(df, p, is);
    if (!close(lhs, rhs))
        the_formula_differs_from_the_derivative<name_of<G>, N, joined_names<B::name...>>(
            lhs, rhs, double(boost::hana::at_c<I>(p.bindings).value)...);
}
}  // namespace detail

/// True when `formula` equals d(f, x): structurally, else at every given point (to 1e-9
/// relative). consteval: a wrong formula is a compile error wherever this is called.
template <expression F, fixed_string N, expression G, class... P>
consteval bool check_derivative(const F& f, variable<N> x, const G& formula, const P&... points) {
    const auto df = d(f, x);
    if (detail::same_structure(df, simplify(formula))) return true;
    if constexpr (sizeof...(P) == 0) {
        detail::the_formula_is_not_structurally_equal_and_no_point_was_given<name_of<G>, N>(true);
    } else {
        (detail::check_at<N>(df, formula, points, detail::index_sequence_of(points)), ...);
    }
    return true;
}

}  // namespace etgrad
