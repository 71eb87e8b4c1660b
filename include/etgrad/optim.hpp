/// @file optim.hpp  Optimizers over tape tensors, like torch.optim: sgd (momentum, Nesterov,
/// weight decay), adam, adamw; each with lr() and set_lr() for schedules.
#pragma once
#include <etgrad/tape.hpp>
#include <etgrad/optim/adam.hpp>
#include <etgrad/optim/optimizer.hpp>
#include <etgrad/optim/sgd.hpp>
