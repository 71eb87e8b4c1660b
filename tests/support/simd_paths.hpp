// Runs a test body on each SIMD path the engines can take on this machine: the packs the
// translation unit was compiled for, and (where the processor runs AVX2 and the TU is compiled
// for less) the AVX2 loops of run-time dispatch.
#pragma once
#include <etgrad/math/wide.hpp>

#include "support/catch.hpp"

namespace etgrad_test {

/// Restores the dispatch setting on scope exit (a failed REQUIRE leaves the body by exception).
struct dispatch_setting_guard {
    bool before = true;
    ~dispatch_setting_guard() { etgrad::set_simd_dispatch(before); }
};

/// body() with dispatch forbidden, then allowed where it runs AVX2 here.
template <class F>
void on_each_simd_path(F&& body) {
    dispatch_setting_guard restore;
    etgrad::set_simd_dispatch(false);
    REQUIRE(!etgrad::simd_dispatch_active());
    {
        INFO("the packs the translation unit was compiled for");
        body();
    }
    etgrad::set_simd_dispatch(true);
    if (etgrad::simd_dispatch_active()) {
        INFO("the AVX2 loops of run-time dispatch");
        body();
    }
}

}  // namespace etgrad_test
