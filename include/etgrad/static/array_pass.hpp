/// @file array_pass.hpp  One pass of the array engine over a reduction: the domain (the bound
/// shapes broadcast together), where each gradient goes, the split into parts, the runs, and
/// the parts' sums combined in order.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>

#include <etgrad/static/array_sweep.hpp>

namespace etgrad::detail {

/// f(integral_constant<I>) for each I.
template <std::size_t... I, class F>
[[gnu::always_inline]] constexpr void each(std::index_sequence<I...>, F&& f) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
    (void)f;
}

template <fixed_string N, class L>
struct in_list;
template <fixed_string N, fixed_string... L>
struct in_list<N, name_list<L...>> : std::bool_constant<(count_name<N, L...> > 0)> {
    static constexpr std::size_t index = index_of_name<N, L...>;
};

template <class A, class L>
struct all_in;
template <fixed_string... A, class L>
struct all_in<name_list<A...>, L> : std::bool_constant<(in_list<A, L>::value && ...)> {};

/// The variables of the lowered expression whose gradient a run computes: those of Active,
/// and each product one of whose operands is in Active.
template <class Active, class Products, class Used, class Out = name_list<>>
struct inner_active;
template <class Active, class Products, fixed_string... O>
struct inner_active<Active, Products, name_list<>, name_list<O...>> {
    using type = name_list<O...>;
};
template <class Active, class Products, fixed_string H, fixed_string... Rest, fixed_string... O>
struct inner_active<Active, Products, name_list<H, Rest...>, name_list<O...>> {
    using P = typename product_of<H, Products>::type;
    static constexpr bool active = [] {
        if constexpr (std::is_void_v<P>) return in_list<H, Active>::value;
        else return in_list<P::x, Active>::value || in_list<P::w, Active>::value;
    }();
    using type = typename inner_active<Active, Products, name_list<Rest...>,
                                       std::conditional_t<active, name_list<O..., H>, name_list<O...>>>::type;
};

/// Which used names are bound to numbers (for run_env).
template <class Used, class Products, class... B>
struct number_flags;
template <fixed_string... U, class Products, class... B>
struct number_flags<name_list<U...>, Products, B...> {
    template <fixed_string N>
    static constexpr bool is_number() {
        if constexpr (!std::is_void_v<typename product_of<N, Products>::type>) return false;
        else return !array_value<typename nth_type<index_of_name<N, B::name...>, B...>::type::value_type>;
    }
    using type = std::integer_sequence<bool, is_number<U>()...>;
};

inline constexpr std::size_t run_length = 256;

/// A call's expression lowered (each matmul(X, w) a variable of its own), its used names, the
/// active names of the lowered expression (a product is active when its X or w is), and which
/// used names are bound to numbers.
template <class Active, class E, class... B>
struct lowered_call {
    using low = lowered<E>;
    using products = typename low::products;
    using used = typename unique_names<typename vars_of<typename low::type>::type>::type;
    using inner = typename inner_active<Active, products, used>::type;
    using numbers = typename number_flags<used, products, B...>::type;
};

/// The reduction (the mean when Mean) of expr over the bindings b..., its gradients with respect
/// to Active written into r.grad (numbers, vectors and matrices of the engine's, or the
/// caller's buffers), its value into r.value.
/// With Map, the pass keeps each element's value instead: r.allocate(domain shape) gives where
/// (row by row); Active is then empty.
template <class Active, bool Mean, bool Map = false, class R, class E, class... B>
[[gnu::noinline]] void array_pass(R& r, const char* what, const E& expr, const B&... b) {
    using T = std::remove_cvref_t<decltype(r.value)>;
    using C = lowered_call<Active, E, B...>;
    using Low = typename C::low;
    using LE = typename Low::type;
    using Products = typename C::products;
    using Used = typename C::used;
    using Inner = typename C::inner;
    using Numbers = typename C::numbers;
    constexpr std::size_t nu = Used::size, na = Active::size, ni = Inner::size, K = run_length;
    const LE le = Low::of(expr);
    const auto accs = boost::hana::basic_tuple<decltype(access_or_number<T>(b))...>(access_or_number<T>(b)...);
    const boost::hana::basic_tuple<const B*...> bound(&b...);

    // the domain: every used shape broadcast together (a product has its matrix's rows)
    array_shape dom;
    std::size_t dom_slot = nu;  // the used name whose shape the domain has so far
    std::size_t product_work = 0;
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        constexpr auto N = name_at<S(), Used>::value;
        using PS = typename product_of<N, Products>::type;
        array_shape shape;
        if constexpr (std::is_void_v<PS>) {
            shape = boost::hana::at_c<index_of_name<N, B::name...>>(accs).shape;
        } else {
            using XB = typename nth_type<index_of_name<PS::x, B::name...>, B...>::type;
            using WB = typename nth_type<index_of_name<PS::w, B::name...>, B...>::type;
            static_assert(matrix_value<typename XB::value_type>,
                          "etgrad: matmul(X, w): X must be bound to a matrix (as_matrix, matrix_view, Eigen)");
            static_assert(array_value<typename WB::value_type> && !matrix_value<typename WB::value_type>,
                          "etgrad: matmul(X, w): w must be bound to a vector");
            static_assert(!in_list<PS::x, Used>::value && !in_list<PS::w, Used>::value,
                          "etgrad: matmul(X, w): X and w cannot also be used elementwise in the same reduction");
            const auto& xa = boost::hana::at_c<index_of_name<PS::x, B::name...>>(accs);
            const auto& wa = boost::hana::at_c<index_of_name<PS::w, B::name...>>(accs);
            if (xa.shape.dims[1] != wa.shape.dims[0])
                throw shape_error(std::string("matmul: ") + PS::x.c_str() + " is " + to_string(xa.shape) + " and " +
                                  PS::w.c_str() + " is " + to_string(wa.shape));
            shape = array_shape{1, {xa.shape.dims[0], 1}};
            product_work += 2 * xa.shape.dims[1];
        }
        if (shape.rank > 0) {
            const int before = dom.rank;
            auto before_name = [&] {
                return dom_slot == nu ? std::string("a number") : slot_name<Used, Products>(dom_slot);
            };
            dom = broadcast(dom, shape, what, before_name, [&] { return slot_name<Used, Products>(S()); });
            if (shape.rank >= before) dom_slot = S();
        }
    });
    const std::size_t n = dom.count();
    T* map_out = nullptr;
    if constexpr (Map) map_out = r.allocate(dom);
    const std::size_t map_cols = dom.cols();
    std::size_t rows = dom.rows(), cols = dom.cols();

    // each used array's strides over the domain
    std::array<domain_strides, nu + 1> ds{};
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        constexpr auto N = name_at<S(), Used>::value;
        if constexpr (std::is_void_v<typename product_of<N, Products>::type>) {
            const auto& a = boost::hana::at_c<index_of_name<N, B::name...>>(accs);
            ds[S()] = strides_over(a.shape, a.row_stride, a.col_stride, rows, cols);
        } else {
            ds[S()] = {0, 1};
        }
    });

    // where each gradient goes
    std::array<sink<T>, na + 1> sinks{};
    each(std::make_index_sequence<na>{}, [&](auto I) {
        constexpr auto A = name_at<I(), Active>::value;
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        sink<T>& s = sinks[I()];
        const array_shape bs = boost::hana::at_c<index_of_name<A, B::name...>>(accs).shape;
        prepare_sink<T>(s, g, bs, A.c_str());
        if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) {
            using U = product_uses<A, Products>;
            if constexpr (in_list<A, Used>::value) {
                const domain_strides d = strides_over(bs, s.rs, s.cs, rows, cols);
                if ((rows == 1 || d.row != 0) && (cols == 1 || d.col != 0)) {
                    s.kind = sink<T>::direct;
                    s.d0 = d.row;
                    s.d1 = d.col;
                } else {
                    const domain_strides a = strides_over(bs, std::ptrdiff_t(bs.cols()), 1, rows, cols);
                    s.kind = sink<T>::accumulate;
                    s.a0 = a.row;
                    s.a1 = a.col;
                }
            } else if constexpr (U::as_matrix + U::as_vector > 0) {
                s.kind = U::as_matrix == 1 && U::as_vector == 0 ? sink<T>::direct : sink<T>::accumulate;
            } else {
                s.kind = sink<T>::none;  // zeroed below, once every buffer has been checked
            }
        }
    });
    for (std::size_t I = 0; I < na; ++I)
        if (sinks[I].kind == sink<T>::none && sinks[I].dest) zero_sink(sinks[I]);

    // rows contiguous in every array and gradient: one long row
    if (rows > 1) {
        const std::ptrdiff_t c = std::ptrdiff_t(cols);
        bool flat = true;
        for (std::size_t S = 0; S < nu; ++S) flat = flat && ds[S].row == c * ds[S].col;
        for (std::size_t I = 0; I < na; ++I) {
            const sink<T>& s = sinks[I];
            if (s.kind == sink<T>::direct) flat = flat && s.d0 == c * s.d1;
            if (s.kind == sink<T>::accumulate) flat = flat && s.a0 == c * s.a1;
        }
        if (flat) {
            cols *= rows;
            rows = 1;
        }
    }

    // the vector of each product, contiguous and in T
    std::array<small_buffer<T>, nu + 1> product_w;
    each(std::make_index_sequence<nu>{}, [&](auto S) {
        using PS = typename product_of<name_at<S(), Used>::value, Products>::type;
        if constexpr (!std::is_void_v<PS>) {
            const auto& wa = boost::hana::at_c<index_of_name<PS::w, B::name...>>(accs);
            product_w[S()].assign(wa.shape.dims[0], T(0));
            for (std::size_t j = 0; j < wa.shape.dims[0]; ++j)
                product_w[S()][j] = T(wa.ptr[std::ptrdiff_t(j) * wa.col_stride]);
        }
    });

    // the parts, each with its own sums and buffers
    const std::size_t units = n == 0 ? 0 : rows > 1 ? rows : cols;
    const std::size_t parts = part_count(units, (rows > 1 ? cols : 1) * (1 + ni + product_work));
    part_state<T, na> first;
    std::vector<part_state<T, na>> others(parts - 1);
    auto state = [&](std::size_t p) -> part_state<T, na>& { return p == 0 ? first : others[p - 1]; };
    for (std::size_t p = 0; p < parts; ++p)
        for (std::size_t I = 0; I < na; ++I)
            if (sinks[I].kind == sink<T>::accumulate) state(p).buffers[I].assign(sinks[I].count, T(0));
    const T scale = Mean ? T(1) / T(n) : T(1);

    run_parts(parts, [&](std::size_t part) {
        part_state<T, na>& st = state(part);
        const std::size_t u0 = units * part / parts, u1 = units * (part + 1) / parts;
        T mem[K * (1 + ni + nu)];
        T* vals = mem;
        std::array<T*, ni + 1> outs{}, grads{};
        for (std::size_t a = 0; a < ni; ++a) grads[a] = vals + K * (1 + a);
        std::array<T*, nu + 1> fill{};
        for (std::size_t S = 0; S < nu; ++S) fill[S] = vals + K * (1 + ni + S);
        std::array<const T*, nu + 1> ptr{};
        std::array<T, nu + 1> num{};
        small_buffer<T> row_sum;
        each(std::make_index_sequence<nu>{}, [&](auto S) {
            constexpr auto N = name_at<S(), Used>::value;
            if constexpr (std::is_void_v<typename product_of<N, Products>::type>) {
                constexpr std::size_t ib = index_of_name<N, B::name...>;
                using BT = typename nth_type<ib, B...>::type::value_type;
                if constexpr (!array_value<BT>) num[S()] = T(boost::hana::at_c<ib>(bound)->value);
            }
        });

        auto run = [&](std::size_t i, std::size_t j0, std::size_t L) {
            // the run's elements: pointers into the arrays where they are contiguous T's, else copies
            each(std::make_index_sequence<nu>{}, [&](auto S) {
                constexpr auto N = name_at<S(), Used>::value;
                using PS = typename product_of<N, Products>::type;
                if constexpr (!std::is_void_v<PS>) {
                    const auto& xa = boost::hana::at_c<index_of_name<PS::x, B::name...>>(accs);
                    const std::size_t d = xa.shape.dims[1];
                    const T* w = product_w[S()].data();
                    const auto* x0 = xa.ptr + std::ptrdiff_t(j0) * xa.row_stride;
                    bool done = false;
                    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*x0)>, T>) {
                        done = xa.col_stride == 1;
                        if (done) dot_rows(x0, xa.row_stride, w, d, L, fill[S()]);
                    }
                    for (std::size_t k = 0; k < L && !done; ++k) {
                        const auto* xr = x0 + std::ptrdiff_t(k) * xa.row_stride;
                        T s = 0;
                        for (std::size_t j = 0; j < d; ++j) s += T(xr[std::ptrdiff_t(j) * xa.col_stride]) * w[j];
                        fill[S()][k] = s;
                    }
                    ptr[S()] = fill[S()];
                } else {
                    constexpr std::size_t ib = index_of_name<N, B::name...>;
                    if constexpr (array_value<typename nth_type<ib, B...>::type::value_type>) {
                        const auto& a = boost::hana::at_c<ib>(accs);
                        const auto* base = a.ptr + std::ptrdiff_t(i) * ds[S()].row + std::ptrdiff_t(j0) * ds[S()].col;
                        bool direct = false;
                        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*base)>, T>) {
                            direct = ds[S()].col == 1;
                            if (direct) ptr[S()] = base;
                        }
                        if (!direct) {
                            for (std::size_t k = 0; k < L; ++k) fill[S()][k] = T(base[std::ptrdiff_t(k) * ds[S()].col]);
                            ptr[S()] = fill[S()];
                        }
                    }
                }
            });
            each(std::make_index_sequence<ni>{}, [&](auto a) {
                constexpr auto N = name_at<a(), Inner>::value;
                outs[a()] = grads[a()];
                if constexpr (in_list<N, Active>::value) {
                    const sink<T>& s = sinks[in_list<N, Active>::index];
                    if (s.kind == sink<T>::direct && s.d1 == 1)
                        outs[a()] = s.dest + std::ptrdiff_t(i) * s.d0 + std::ptrdiff_t(j0);
                }
            });
            run_kernel<Inner, T, Used, Numbers>(le, ptr.data(), num.data(), L, scale, vals, outs.data());
            if constexpr (Map) {
                T* out = map_out + i * map_cols + j0;
                for (std::size_t k = 0; k < L; ++k) out[k] = vals[k];
            } else {
                st.value.add(pairwise_sum(vals, std::int64_t(L)));
            }
            // each gradient to its sink; a product's adjoints contracted into its matrix and vector
            each(std::make_index_sequence<ni>{}, [&](auto a) {
                constexpr auto N = name_at<a(), Inner>::value;
                using PS = typename product_of<N, Products>::type;
                const T* g = outs[a()];
                if constexpr (std::is_void_v<PS>) {
                    constexpr std::size_t I = in_list<N, Active>::index;
                    const sink<T>& s = sinks[I];
                    if (s.kind == sink<T>::number) {
                        st.numbers[I].add(pairwise_sum(g, std::int64_t(L)));
                    } else if (s.kind == sink<T>::direct) {
                        if (s.d1 != 1)
                            for (std::size_t k = 0; k < L; ++k)
                                s.dest[std::ptrdiff_t(i) * s.d0 + std::ptrdiff_t(j0 + k) * s.d1] = g[k];
                    } else if (s.a1 == 0) {
                        st.buffers[I][std::size_t(std::ptrdiff_t(i) * s.a0)] += pairwise_sum(g, std::int64_t(L));
                    } else {
                        T* buf = st.buffers[I].data() + std::ptrdiff_t(i) * s.a0 + std::ptrdiff_t(j0) * s.a1;
                        for (std::size_t k = 0; k < L; ++k) buf[std::ptrdiff_t(k) * s.a1] += g[k];
                    }
                } else {  // dL/dw += X^T g, dL/dX = g w^T over the run's rows
                    const auto& xa = boost::hana::at_c<index_of_name<PS::x, B::name...>>(accs);
                    const std::size_t d = xa.shape.dims[1];
                    const T* w = product_w[in_list<N, Used>::index].data();
                    if constexpr (in_list<PS::w, Active>::value) {
                        row_sum.assign(d, T(0));
                        const auto* x0 = xa.ptr + std::ptrdiff_t(j0) * xa.row_stride;
                        bool done = false;
                        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*x0)>, T>) {
                            done = xa.col_stride == 1;
                            if (done) axpy_rows(g, x0, xa.row_stride, d, L, row_sum.data());
                        }
                        for (std::size_t k = 0; k < L && !done; ++k) {
                            const auto* xr = x0 + std::ptrdiff_t(k) * xa.row_stride;
                            for (std::size_t j = 0; j < d; ++j)
                                row_sum[j] += g[k] * T(xr[std::ptrdiff_t(j) * xa.col_stride]);
                        }
                        T* buf = st.buffers[in_list<PS::w, Active>::index].data();
                        for (std::size_t j = 0; j < d; ++j) buf[j] += row_sum[j];
                    }
                    if constexpr (in_list<PS::x, Active>::value) {
                        constexpr std::size_t IX = in_list<PS::x, Active>::index;
                        const sink<T>& s = sinks[IX];
                        for (std::size_t k = 0; k < L; ++k) {
                            const std::size_t row = j0 + k;
                            if (s.kind == sink<T>::direct) {
                                T* dr = s.dest + std::ptrdiff_t(row) * s.rs;
                                for (std::size_t j = 0; j < d; ++j) dr[std::ptrdiff_t(j) * s.cs] = g[k] * w[j];
                            } else {
                                T* br = st.buffers[IX].data() + row * d;
                                for (std::size_t j = 0; j < d; ++j) br[j] += g[k] * w[j];
                            }
                        }
                    }
                }
            });
        };
        if (rows > 1) {
            for (std::size_t i = u0; i < u1; ++i)
                for (std::size_t j0 = 0; j0 < cols; j0 += K) run(i, j0, cols - j0 < K ? cols - j0 : K);
        } else {
            for (std::size_t j0 = u0; j0 < u1; j0 += K) run(0, j0, u1 - j0 < K ? u1 - j0 : K);
        }
    });

    // the parts combined in order
    T value = 0;
    for (std::size_t p = 0; p < parts; ++p) value += state(p).value.total();
    r.value = Mean ? value / T(n) : value;  // divided: correctly rounded, as PyTorch
    each(std::make_index_sequence<na>{}, [&](auto I) {
        auto& g = boost::hana::at_c<I()>(r.grad.values);
        const sink<T>& s = sinks[I()];
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, T>) {
            T total = 0;
            for (std::size_t p = 0; p < parts; ++p) total += state(p).numbers[I()].total();
            g = total;
        } else if (s.kind == sink<T>::accumulate) {
            for (std::size_t i = 0; i < s.rows; ++i)
                for (std::size_t j = 0; j < s.cols; ++j) {
                    T total = 0;
                    for (std::size_t p = 0; p < parts; ++p) total += state(p).buffers[I()][i * s.cols + j];
                    s.dest[std::ptrdiff_t(i) * s.rs + std::ptrdiff_t(j) * s.cs] = total;
                }
        }
    });
}

}  // namespace etgrad::detail
