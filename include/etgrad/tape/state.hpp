/// @file state.hpp  A thread's tape and storage (ThreadState), how a thread finds its own, and
/// what happens to records that outlive their thread or die on another one.
///
/// Lifetime: the tape is reset (every statement dropped, an epoch begins) whenever no record of
/// an unfreed statement is alive, so a loop that drops its graphs, or frees them by backward,
/// stays flat in memory whatever else it keeps (detached tensors, freed losses). A record knows
/// its statement by (epoch, index): a record of an earlier epoch has lost its history.
#pragma once
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <etgrad/tape/arena.hpp>
#include <etgrad/tape/records.hpp>

namespace etgrad::detail {

/// A leaf registered on the tape in this epoch (a counted ref), and where backward stages the
/// gradient of a leaf of more than one element.
struct LeafSlot {
    Impl* leaf;
    std::uint32_t index;
    double* stage = nullptr;
    bool fresh = true;  // stage holds nothing of this pass yet: its first writer stores, not adds
    bool made = false;  // backward's commit gave the leaf its gradient record in this pass
    bool hit = false;   // backward's commit found it reached in this pass
};

/// Whether backward has reached a statement: a byte that is not a character type, so that
/// storing it does not make the compiler reload everything else in the reverse pass.
enum class reach : std::uint8_t { no, yes };

struct ThreadState {
    ImplPool impls;
    Arena arena;
    Buffers buffers;
    StatementBlocks tape;
    std::uint64_t epoch = 1;
    std::uint32_t count = 0;         // statements (indices) in this epoch
    std::uint32_t window = 0;        // a leaf registered below this index is registered anew
    std::size_t live = 0;            // records of unfreed statements
    std::vector<LeafSlot> leaves;    // this epoch's registrations
    std::vector<Impl*> retaining;    // records that asked for retain_grad (not counted)
    std::vector<Node*> nodes;        // this epoch's general nodes (they hold their inputs)
    char* last_end = nullptr;        // the end of the last statement (null: none this epoch)
    Impl* last_impl = nullptr;       // the record of the last statement, if it is a scalar one
    bool grad_enabled = true;
    bool in_backward = false;
    // backward's scratch, kept between passes
    std::vector<double> adj;
    std::vector<reach> reached;
    // records released on another thread wait here for this one; once the thread has exited
    // (orphaned) they are released at once, and the last one deletes the state
    std::recursive_mutex remote_mutex;  // recursive: an orphan's release may release more of its records
    std::vector<Impl*> remote;
    std::atomic<bool> remote_pending{false};
    bool orphaned = false;
    int orphan_depth = 0;

    ThreadState() = default;
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;
};

/// The calling thread's state. A constant-initialised thread_local pointer is one load on the
/// hot path; the holder that ends the state at thread exit is touched once per thread.
inline constinit thread_local ThreadState* tls_state = nullptr;

/// Set when this thread's state has ended (thread exit; at program exit, before globals die).
inline constinit thread_local bool tls_state_ended = false;

void end_of_thread(ThreadState* s) noexcept;

struct state_holder {
    ThreadState* s;
    ~state_holder() {
        tls_state = nullptr;
        tls_state_ended = true;
        end_of_thread(s);
    }
};

[[gnu::noinline]] inline ThreadState& make_state() {
    if (tls_state_ended) {  // a tensor made while globals are destroyed: a last state, never freed
        tls_state = new ThreadState;
        return *tls_state;
    }
    thread_local state_holder holder{new ThreadState};
    tls_state = holder.s;
    return *tls_state;
}
inline ThreadState& state() {
    ThreadState* s = tls_state;
    return s ? *s : make_state();
}
/// The calling thread's state if it has one (null while globals are destroyed).
inline ThreadState* current_state() noexcept { return tls_state; }

/// Whether ops record now (false inside a no_grad_guard).
inline bool grad_enabled() noexcept { return state().grad_enabled; }

}  // namespace etgrad::detail
