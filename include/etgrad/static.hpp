/// @file static.hpp  The static engine alone: expressions, op rules, evaluation and the static
/// reverse sweep. Light on purpose: no <sstream>, <functional>, <tuple> or containers.
#pragma once
#include <etgrad/core/expression.hpp>
#include <etgrad/ops/indicator.hpp>
#include <etgrad/ops/arithmetic.hpp>
#include <etgrad/ops/elementary.hpp>
#include <etgrad/ops/trig.hpp>
#include <etgrad/ops/hyperbolic.hpp>
#include <etgrad/ops/special.hpp>
#include <etgrad/ops/activation.hpp>
#include <etgrad/ops/clamp.hpp>
#include <etgrad/ops/loss.hpp>
#include <etgrad/static/evaluate.hpp>
#include <etgrad/static/gradient.hpp>
