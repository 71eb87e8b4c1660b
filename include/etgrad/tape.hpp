/// @file tape.hpp  The runtime tape: Tensor with PyTorch's autograd semantics, every op of the
/// static engine on tensors (reading the same op rules), reductions, printing and no_grad_guard.
#pragma once
#include <etgrad/static.hpp>
#include <etgrad/tape/backward.hpp>
#include <etgrad/tape/classify.hpp>
#include <etgrad/tape/compare.hpp>
#include <etgrad/tape/factory.hpp>
#include <etgrad/tape/generic.hpp>
#include <etgrad/tape/expression.hpp>
#include <etgrad/tape/print.hpp>
#include <etgrad/tape/reduce.hpp>
#include <etgrad/tape/shape.hpp>
#include <etgrad/tape/tensor.hpp>
