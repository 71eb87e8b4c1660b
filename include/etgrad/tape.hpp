/// @file tape.hpp  The runtime tape: Tensor with PyTorch's autograd semantics, ops reading the
/// static engine's op rules, reductions, printing, no_grad_guard and optim::sgd.
#pragma once
#include <etgrad/static.hpp>
#include <etgrad/tape/tensor.hpp>
#include <etgrad/tape/ops.hpp>
#include <etgrad/tape/reduce.hpp>
#include <etgrad/tape/print.hpp>
#include <etgrad/optim/sgd.hpp>
