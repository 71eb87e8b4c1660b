/// @file parallel.hpp  Threads for the array engine: set_num_threads(n) and the split of a sweep
/// into parts. A part is a contiguous range fixed by the length and the thread count alone, and
/// parts are combined in order, so a result depends on the thread count, never on timing.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace etgrad {

namespace detail {
inline std::atomic<int>& thread_setting() noexcept {
    static std::atomic<int> n{1};
    return n;
}
}  // namespace detail

/// How many threads the array engine may use (1, the default, runs on the calling thread).
/// Results are the same for the same count on every run. n < 1 means 1.
inline void set_num_threads(int n) noexcept { detail::thread_setting().store(n < 1 ? 1 : n); }
/// The count set_num_threads set.
inline int get_num_threads() noexcept { return detail::thread_setting().load(); }

namespace detail {

/// Parts for n units of work of the given cost each: one per thread, no part under about
/// 2^15 cost units (a thread costs tens of microseconds to start).
inline std::size_t part_count(std::size_t n, std::size_t cost_per_unit) noexcept {
    const std::size_t threads = std::size_t(get_num_threads());
    const std::size_t work = n * (cost_per_unit == 0 ? 1 : cost_per_unit);
    return std::max<std::size_t>(1, std::min(threads, work >> 15));
}

/// Runs f(p) for p in [0, parts): part 0 on the calling thread, the others on threads of their
/// own (on the calling thread where a thread cannot start). The first exception is rethrown
/// after every part has finished.
template <class F>
void run_parts(std::size_t parts, F&& f) {
    if (parts <= 1) {
        f(std::size_t{0});
        return;
    }
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::thread> threads;
    std::vector<std::size_t> inline_parts;
    threads.reserve(parts - 1);
    auto guarded = [&](std::size_t p) {
        try {
            f(p);
        } catch (...) {
            errors[p] = std::current_exception();
        }
    };
    for (std::size_t p = 1; p < parts; ++p) {
        try {
            threads.emplace_back(guarded, p);
        } catch (...) {
            inline_parts.push_back(p);
        }
    }
    guarded(0);
    for (std::size_t p : inline_parts) guarded(p);
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace detail
}  // namespace etgrad
