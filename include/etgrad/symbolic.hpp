/// @file symbolic.hpp  The static engine plus symbolic derivatives: d(f, x), simplify, ==,
/// hessian, printing and compile-time checked gradient formulas.
#pragma once
#include <etgrad/static.hpp>
#include <etgrad/symbolic/canonical.hpp>
#include <etgrad/symbolic/check.hpp>
#include <etgrad/symbolic/derivative.hpp>
#include <etgrad/symbolic/name_of.hpp>
#include <etgrad/symbolic/notation.hpp>
#include <etgrad/symbolic/print.hpp>
