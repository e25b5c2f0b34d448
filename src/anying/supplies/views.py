from django.http import HttpResponse

def warehouse_list(request, pk=None):
    return HttpResponse('')


def warehouse_edit(request, pk=None):
    return HttpResponse('')


def warehouse_detail(request, pk=None):
    return HttpResponse('')


def minimum_edit(request, pk=None):
    return HttpResponse('')


def ledger(request, pk=None):
    return HttpResponse('')


def balance_list(request, pk=None):
    return HttpResponse('')


def item_balance(request, pk=None):
    return HttpResponse('')


def nearby(request, pk=None):
    return HttpResponse('')


def document_list(request, pk=None):
    return HttpResponse('')


def document_new(request, pk=None):
    return HttpResponse('')


def document_detail(request, pk=None):
    return HttpResponse('')


def document_post(request, pk=None):
    return HttpResponse('')


def document_reverse(request, pk=None):
    return HttpResponse('')


def document_discard(request, pk=None):
    return HttpResponse('')


def transfer_list(request, pk=None):
    return HttpResponse('')


def transfer_new(request, pk=None):
    return HttpResponse('')


def transfer_detail(request, pk=None):
    return HttpResponse('')


def transfer_act(request, pk=None):
    return HttpResponse('')


