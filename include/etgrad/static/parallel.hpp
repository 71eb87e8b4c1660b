/// @file parallel.hpp  Threads for the array engine: set_num_threads(n) and the split of a pass
/// into parts. A part is a contiguous range fixed by the length and the thread count alone, and
/// parts are combined in order, so a result depends on the thread count, never on timing.
/// Threads are POSIX threads started for the call (<pthread.h>: <thread> alone would add a
/// third to the compile time of a translation unit using arrays).
#pragma once
#include <cstddef>
#include <exception>
#include <type_traits>
#include <vector>

#include <pthread.h>

namespace etgrad {

namespace detail {
inline int& thread_setting() noexcept {
    static int n = 1;
    return n;
}
}  // namespace detail

/// How many threads the array engine may use (1, the default, runs on the calling thread).
/// Results are the same for the same count on every run. n < 1 means 1.
inline void set_num_threads(int n) noexcept {
    __atomic_store_n(&detail::thread_setting(), n < 1 ? 1 : n, __ATOMIC_RELAXED);
}
/// The count set_num_threads set.
inline int get_num_threads() noexcept { return __atomic_load_n(&detail::thread_setting(), __ATOMIC_RELAXED); }

namespace detail {

/// Parts for n units of work of the given cost each: one per thread, no part under about
/// 2^15 cost units (a thread costs tens of microseconds to start).
inline std::size_t part_count(std::size_t n, std::size_t cost_per_unit) noexcept {
    const std::size_t threads = std::size_t(get_num_threads());
    const std::size_t parts = n * (cost_per_unit == 0 ? 1 : cost_per_unit) >> 15;
    return parts < 1 ? 1 : parts < threads ? parts : threads;
}

/// One part of run_parts on a thread of its own.
template <class F>
struct part_job {
    F* f;
    std::size_t part;
    std::exception_ptr error;
    pthread_t thread{};
    bool started = false;
    static void* run(void* self) noexcept {
        auto* job = static_cast<part_job*>(self);
        try {
            (*job->f)(job->part);
        } catch (...) {
            job->error = std::current_exception();
        }
        return nullptr;
    }
};

/// Runs f(p) for p in [0, parts): part 0 on the calling thread, the others on threads of their
/// own (on the calling thread where a thread cannot start). The first exception is rethrown
/// after every part has finished.
template <class F>
void run_parts(std::size_t parts, F&& f) {
    if (parts <= 1) {
        f(std::size_t{0});
        return;
    }
    using job = part_job<std::remove_reference_t<F>>;
    std::vector<job> jobs(parts);
    for (std::size_t p = 0; p < parts; ++p) jobs[p].f = &f, jobs[p].part = p;
    for (std::size_t p = 1; p < parts; ++p)
        jobs[p].started = pthread_create(&jobs[p].thread, nullptr, &job::run, &jobs[p]) == 0;
    job::run(&jobs[0]);
    for (std::size_t p = 1; p < parts; ++p) {
        if (jobs[p].started) pthread_join(jobs[p].thread, nullptr);
        else job::run(&jobs[p]);
    }
    for (auto& j : jobs)
        if (j.error) std::rethrow_exception(j.error);
}

}  // namespace detail
}  // namespace etgrad
