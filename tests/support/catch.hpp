/// @file catch.hpp  Catch2 v2 (Debian 12) or v3, behind one include.
#pragma once
#include <string>
#ifdef ETGRAD_CATCH3
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
namespace etgrad_test {
inline auto contains(const std::string& s) { return Catch::Matchers::ContainsSubstring(s); }
}  // namespace etgrad_test
#else
#include <catch2/catch.hpp>
namespace etgrad_test {
inline auto contains(const std::string& s) { return Catch::Matchers::Contains(s); }
}  // namespace etgrad_test
#endif
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
