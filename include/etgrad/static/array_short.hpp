/// @file array_short.hpp  The array engine's short paths, for a few elements, where the general
/// pass's setup (the domain, sinks, parts, runs) would cost more than the arithmetic: plain
/// vectors of one length (one run, or under 8 elements one at a time), and under 8 rows of
/// matmul(X, w) with X and w contiguous (each row dotted, the expression swept one row at a
/// time, its adjoint contracted into w's gradient). Each returns false, having written nothing,
/// where it does not apply; the general pass then serves the call (and reports what is wrong).
#pragma once
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>

#include <etgrad/static/array_pass.hpp>

namespace etgrad::detail {

/// Whether the bindings are numbers and vectors of T only, with no matmul in E: the case the
/// short path serves (arrays of at most one run, all of one length).
template <class T, class E, class... B>
inline constexpr bool plain_vectors =
    std::is_same_v<typename lowered<E>::products, product_list<>> &&
    ((!matrix_value<typename B::value_type> &&
      std::is_same_v<typename element_type<typename B::value_type>::type, T>) &&
     ...);

/// Whether short_pass may serve the call (its conditions known at compile time).
template <class Active, class T, class E, class... B>
inline constexpr bool short_path_applies =
    plain_vectors<T, E, B...> && all_in<Active, typename vars_of<E>::type>::value;

/// The short path's one run of 8 to run_length elements, its sums pairwise (out of line: its
/// buffers would make every call's frame large).
template <class Active, bool Mean, class Used, class Numbers, class R, class E, class T>
[[gnu::noinline]] void short_run(R& r, const E& expr, const T* const* ptr, const T* num, std::size_t n, T scale) {
    constexpr std::size_t na = Active::size, K = run_length;
    T vals[K], grads[K * na + 1];
    std::array<T*, na + 1> outs{};
    each(std::make_index_sequence<na>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) {
            outs[I()] = grads + K * I();
        } else {
            if constexpr (requires { g.resize(n); }) g.resize(n);
            outs[I()] = g.data();
        }
    });
    run_kernel<Active, T, Used, Numbers>(expr, ptr, num, n, scale, vals, outs.data());
    auto total = [n](const T* v) { return pairwise_sum(v, std::int64_t(n)); };
    r.value = Mean ? total(vals) / T(std::ptrdiff_t(n)) : total(vals);
    each(std::make_index_sequence<na>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) g = total(outs[I()]);
    });
}

/// The short path: every array a contiguous vector of the same length n <= run_length. One run,
/// its sums pairwise, nothing allocated but the engine's own gradient vectors. False (and
/// nothing written) where it does not apply.
template <class Active, bool Mean, class R, class E, class... B>
[[gnu::always_inline]] inline bool short_pass(R& r, const E& expr, const B&... b) {
    using T = std::remove_cvref_t<decltype(r.value)>;
    using Used = typename unique_names<typename vars_of<E>::type>::type;
    using Numbers = typename number_flags<Used, product_list<>, B...>::type;
    constexpr std::size_t nu = Used::size, na = Active::size;
    std::size_t n = 0;
    bool any = false, fits = true;
    auto visit = [&](const auto& bound) {
        if constexpr (array_value<typename std::remove_cvref_t<decltype(bound)>::value_type>) {
            const std::size_t m = std::size_t(bound.value.size());
            fits = fits && vector_stride(bound.value) == 1 && (!any || m == n);
            n = m;
            any = true;
        }
    };
    (visit(b), ...);
    if (!fits || n > run_length) return false;
    if (!any) n = 1;
    bool buffers_fit = true;
    each(std::make_index_sequence<na>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (requires { g.size(); } && !requires { g.resize(n); })
            buffers_fit = buffers_fit && std::size_t(g.size()) == n;  // else the general path reports it
    });
    if (!buffers_fit) return false;
    const boost::hana::basic_tuple<const B*...> bound(&b...);
    std::array<const T*, nu + 1> ptr{};
    std::array<T, nu + 1> num{};
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        constexpr std::size_t ib = index_of_name<name_at<S(), Used>::value, B::name...>;
        const auto& v = boost::hana::at_c<ib>(bound)->value;
        if constexpr (array_value<std::remove_cvref_t<decltype(v)>>) ptr[S()] = v.data();
        else num[S()] = T(v);
    });
    const T scale = Mean ? T(1) / T(std::ptrdiff_t(n)) : T(1);
    if (n < 8) {  // a few elements one at a time, the value and numbers' gradients summed in order
        T value = 0;
        std::array<T, na + 1> sums{};
        std::array<T*, na + 1> dst{};
        each(std::make_index_sequence<na>{}, [&](auto I) {
            auto& g = boost::hana::at_c<I()>(r.grad.values);
            if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) {
                if constexpr (requires { g.resize(n); }) g.resize(n);
                dst[I()] = g.data();
            }
        });
        for (std::size_t k = 0; k < n; ++k) {
            const auto e = sweep_in<Active, T>(expr, run_env<T, T, Used, Numbers>{ptr.data(), num.data(), k});
            value += e.value;
            each(std::make_index_sequence<na>{}, [&](auto I) {
                using G = std::remove_cvref_t<decltype(boost::hana::at_c<I()>(r.grad.values))>;
                if constexpr (std::is_same_v<G, T>) sums[I()] += e.grad.values[I()] * scale;
                else dst[I()][k] = e.grad.values[I()] * scale;
            });
        }
        r.value = Mean ? value / T(std::ptrdiff_t(n)) : value;
        each(std::make_index_sequence<na>{}, [&](auto I) {
            auto& g = boost::hana::at_c<I()>(r.grad.values);
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) g = sums[I()];
        });
        return true;
    }
    short_run<Active, Mean, Used, Numbers>(r, expr, ptr.data(), num.data(), n, scale);
    return true;
}

/// Whether short_product_pass may serve the call (its conditions known at compile time): E has a
/// product; every product's X is a matrix of T that is not differentiated, its w a vector of T;
/// every other binding a number or a vector of T; every active variable used.
template <class Active, class T, class E, class... B>
struct short_product_check {
    using Products = typename lowered<E>::products;
    template <class PL>
    struct each_product;
    template <class... P>
    struct each_product<product_list<P...>> {
        static constexpr bool value =
            sizeof...(P) > 0 &&
            ((matrix_value<typename nth_type<index_of_name<P::x, B::name...>, B...>::type::value_type> &&
              !in_list<P::x, Active>::value) &&
             ...);
    };
    template <class Bd>
    static constexpr bool plain() {
        using V = typename Bd::value_type;
        if constexpr (product_uses<Bd::name, Products>::as_matrix > 0)
            return std::is_same_v<typename element_type<V>::type, T>;
        else return !matrix_value<V> && std::is_same_v<typename element_type<V>::type, T>;
    }
    static constexpr bool value =
        each_product<Products>::value && (plain<B>() && ...) && all_in<Active, typename vars_of<E>::type>::value;
};
template <class Active, class T, class E, class... B>
inline constexpr bool short_product_path_applies = short_product_check<Active, T, E, B...>::value;

/// The short path of an expression with products: under 8 rows, every X and w contiguous, every
/// vector of the rows' length and contiguous, every gradient buffer of its array's length.
/// Row by row: each product the row dotted with w (in order), the lowered expression's scalar
/// sweep, each product's adjoint times the row added into w's gradient.
template <class Active, bool Mean, class R, class E, class... B>
bool short_product_pass(R& r, const E& expr, const B&... b) {
    using T = std::remove_cvref_t<decltype(r.value)>;
    using C = lowered_call<Active, E, B...>;
    using Products = typename C::products;
    using Used = typename C::used;
    constexpr std::size_t nu = Used::size, na = Active::size, ni = C::inner::size, rows_max = 8;
    const boost::hana::basic_tuple<const B*...> bound(&b...);
    // the rows: every product's X has the same number, fewer than rows_max
    std::size_t n = 0;
    bool fits = true, first = true;
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        using PS = typename product_of<name_at<S(), Used>::value, Products>::type;
        if constexpr (!std::is_void_v<PS>) {
            const auto& xv = boost::hana::at_c<index_of_name<PS::x, B::name...>>(bound)->value;
            const auto& wv = boost::hana::at_c<index_of_name<PS::w, B::name...>>(bound)->value;
            const auto [rs, cs] = matrix_strides(xv);
            const std::size_t rows = std::size_t(xv.rows());
            fits = fits && cs == 1 && rs >= 0 && vector_stride(wv) == 1 &&
                   std::size_t(xv.cols()) == std::size_t(wv.size()) && (first || rows == n);
            n = rows;
            first = false;
        }
    });
    if (!fits || n == 0 || n >= rows_max) return false;
    // every other array a contiguous vector of n elements; the numbers
    std::array<const T*, nu + 1> ptr{};
    std::array<T, nu + 1> num{};
    std::array<std::array<T, rows_max>, nu + 1> dots;  // written below, row by row, before any is read
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        constexpr auto N = name_at<S(), Used>::value;
        if constexpr (std::is_void_v<typename product_of<N, Products>::type>) {
            const auto& v = boost::hana::at_c<index_of_name<N, B::name...>>(bound)->value;
            if constexpr (array_value<std::remove_cvref_t<decltype(v)>>) {
                fits = fits && vector_stride(v) == 1 && std::size_t(v.size()) == n;
                ptr[S()] = v.data();
            } else {
                num[S()] = T(v);
            }
        } else {
            ptr[S()] = dots[S()].data();
        }
    });
    // every gradient buffer of its array's length (else the general pass reports it)
    each(std::make_index_sequence<na>{}, [&](auto I) {
        constexpr auto A = name_at<I(), Active>::value;
        const auto& g = boost::hana::at_c<I()>(r.grad.values);
        using G = std::remove_cvref_t<decltype(g)>;
        if constexpr (!std::is_same_v<G, T>) {
            const auto& v = boost::hana::at_c<index_of_name<A, B::name...>>(bound)->value;
            if constexpr (requires { g.n_rows; } || requires { g.row_stride(); }) fits = false;  // a matrix
            else if constexpr (!requires(G& grown) { grown.resize(std::size_t(0)); })  // the caller's buffer
                fits = fits && std::size_t(g.size()) == std::size_t(v.size());
        }
    });
    if (!fits) return false;
    // the rows' dot products, in order
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        using PS = typename product_of<name_at<S(), Used>::value, Products>::type;
        if constexpr (!std::is_void_v<PS>) {
            const auto& xv = boost::hana::at_c<index_of_name<PS::x, B::name...>>(bound)->value;
            const auto* w = boost::hana::at_c<index_of_name<PS::w, B::name...>>(bound)->value.data();
            const std::ptrdiff_t rs = matrix_strides(xv).first;
            const std::size_t d = std::size_t(xv.cols());
            for (std::size_t k = 0; k < n; ++k) {
                const T* xr = xv.data() + std::ptrdiff_t(k) * rs;
                T s = 0;
                for (std::size_t j = 0; j < d; ++j) s += xr[j] * w[j];
                dots[S()][k] = s;
            }
        }
    });
    // each gradient: a number's sum, a vector's elements, or a product's w (zeroed, then added to)
    std::array<T, na + 1> sums{};
    std::array<T*, na + 1> dst{};
    each(std::make_index_sequence<na>{}, [&](auto I) {
        constexpr auto A = name_at<I(), Active>::value;
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) {
            const std::size_t m = std::size_t(boost::hana::at_c<index_of_name<A, B::name...>>(bound)->value.size());
            if constexpr (requires { g.resize(m); }) g.resize(m);
            dst[I()] = g.data();
            if (product_uses<A, Products>::as_vector > 0)
                for (std::size_t j = 0; j < m; ++j) dst[I()][j] = T(0);
        }
    });
    const T scale = Mean ? T(1) / T(std::ptrdiff_t(n)) : T(1);
    T value = 0;
    for (std::size_t k = 0; k < n; ++k) {
        using env = run_env<T, T, Used, typename C::numbers>;
        const auto e = sweep_in<typename C::inner, T>(C::low::of(expr), env{ptr.data(), num.data(), k});
        value += e.value;
        each(std::make_index_sequence<ni>{}, [&](auto a) {
            constexpr auto N = name_at<a(), typename C::inner>::value;
            using PS = typename product_of<N, Products>::type;
            const T g = e.grad.values[a()] * scale;
            if constexpr (std::is_void_v<PS>) {
                constexpr std::size_t I = in_list<N, Active>::index;
                using G = std::remove_cvref_t<decltype(boost::hana::at_c<I>(r.grad.values))>;
                if constexpr (std::is_same_v<G, T>) sums[I] += g;
                else dst[I][k] = g;
            } else if constexpr (in_list<PS::w, Active>::value) {
                const auto& xv = boost::hana::at_c<index_of_name<PS::x, B::name...>>(bound)->value;
                const T* xr = xv.data() + std::ptrdiff_t(k) * matrix_strides(xv).first;
                T* gw = dst[in_list<PS::w, Active>::index];
                const std::size_t d = std::size_t(xv.cols());
                for (std::size_t j = 0; j < d; ++j) gw[j] += g * xr[j];
            }
        });
    }
    r.value = Mean ? value / T(std::ptrdiff_t(n)) : value;
    each(std::make_index_sequence<na>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) g = sums[I()];
    });
    return true;
}

}  // namespace etgrad::detail
