"""Spyne data contracts mirroring the REST structures.

Names follow what a WCF basicHttpBinding service publishes: operations and wrappers in
http://tempuri.org/, data contracts in a schemas.datacontract.org namespace with members in
alphabetical order, arrays named ArrayOf<T>, string arrays in the Serialization/Arrays namespace.
Timestamps are strings in the same form as REST (the service formats them itself).
"""

from __future__ import annotations

from spyne import Array, Boolean, ComplexModel, Integer32, Integer64, Unicode

TNS = "http://tempuri.org/"
DC_NS = "http://schemas.datacontract.org/2004/07/AutoSecretary.Api"
ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"


class DN(ComplexModel):
    __namespace__ = DC_NS
    _type_info = [
        ("begin", Unicode),
        ("channels", Integer32),
        ("day", Integer32),
        ("end", Unicode),
        ("ext", Unicode),
        ("locked", Boolean),
        ("phone", Unicode),
        ("priority", Integer32),
        ("record", Boolean),
    ]


ArrayOfDN = Array(DN, type_name="ArrayOfDN")
ArrayOfDN.__namespace__ = DC_NS


class UN(ComplexModel):
    __namespace__ = DC_NS
    _type_info = [
        ("ab_ext_enabled", Boolean),
        ("conf_email", Unicode),
        ("description", Unicode),
        ("dn_list", ArrayOfDN),
        ("enabled", Boolean),
        ("ext_queue", Boolean),
        ("fax_email", Unicode),
        ("make_call_time", Integer32),
        ("max_queue_time", Integer32),
        ("menu_allowed", Boolean),
        ("need_advert", Boolean),
        ("need_begin_ivr", Boolean),
        ("need_record", Boolean),
        ("op_ext_enabled", Boolean),
        ("phone", Unicode),
        ("say_ani", Boolean),
        ("say_tone", Boolean),
        ("time_zone", Integer32),
        ("updated_by", Unicode),
        ("updated_on", Unicode),
        ("voice_email", Unicode),
    ]


class CDR(ComplexModel):
    __namespace__ = DC_NS
    _type_info = [
        ("an", Unicode),
        ("duration", Integer32),
        ("id", Integer64),
        ("log", Unicode),
        ("seqid", Integer64),
        ("start_time", Unicode),
        ("talk_duration", Integer32),
        ("un", Unicode),
    ]


ArrayOfCDR = Array(CDR, type_name="ArrayOfCDR")
ArrayOfCDR.__namespace__ = DC_NS


class CDRPage(ComplexModel):
    """A CDR page: ``links`` is the next page's URL (absent on the last page), ``value`` the records."""

    __namespace__ = DC_NS
    _type_info = [
        ("links", Unicode),
        ("value", ArrayOfCDR),
    ]


ArrayOfstring = Array(Unicode.customize(type_name="string"), type_name="ArrayOfstring")
ArrayOfstring.__namespace__ = ARRAYS_NS  # customize() would not move it out of the parent namespace
