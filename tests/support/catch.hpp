/// @file catch.hpp  Catch2 v2 (Debian 12) or v3, behind one include.
#pragma once
#ifdef ETGRAD_CATCH3
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#else
#include <catch2/catch.hpp>
#endif
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
