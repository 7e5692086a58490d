# Copyright 2010-2011 OpenStack Foundation; Apache License 2.0 (see LICENSE).
"""Glance's own pre-upgrade test data, replayed before the version of the same number.

From glance/tests/unit/test_migrations.py (openstack/glance 95c7c1b75^, the last commit with
the sqlalchemy-migrate tests): each ``_pre_upgrade_NNN`` method, made a function, with the
same mechanical port as the versions (``port.diff`` does not cover this file). The ``_check``
methods are not needed: the golden holds the rows the legacy stack left.
"""

import datetime
import pickle
import unittest
import uuid

from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import sqlalchemy

from glance.common import timeutils
from replay_compat import execute, run


check = unittest.TestCase()  # the methods' own assertions about the state before


def index_exist(index, table, engine):
    inspector = sqlalchemy.inspect(engine)
    return index in [i['name'] for i in inspector.get_indexes(table)]


def unique_constraint_exist(constraint, table, engine):
    inspector = sqlalchemy.inspect(engine)
    return constraint in [c['name'] for c in
                          inspector.get_unique_constraints(table)]


def get_table(engine, name):
    """oslo_db.sqlalchemy.utils.get_table."""
    metadata = sqlalchemy.MetaData()
    metadata.bind = engine
    return sqlalchemy.Table(name, metadata, autoload_with=engine)

def pre_upgrade_003(engine):
    now = datetime.datetime.now()
    images = get_table(engine, 'images')
    data = {'deleted': False, 'created_at': now, 'updated_at': now,
            'type': 'kernel', 'status': 'active', 'is_public': True}
    run(images.insert().values(data))
    return data

def pre_upgrade_004(engine):
    """Insert checksum data sample to check if migration goes fine with
    data.
    """
    now = timeutils.utcnow()
    images = get_table(engine, 'images')
    data = [
        {
            'deleted': False, 'created_at': now, 'updated_at': now,
            'type': 'kernel', 'status': 'active', 'is_public': True,
        }
    ]
    execute(engine, images.insert(), data)
    return data

def pre_upgrade_005(engine):
    now = timeutils.utcnow()
    images = get_table(engine, 'images')
    data = [
        {
            'deleted': False, 'created_at': now, 'updated_at': now,
            'type': 'kernel', 'status': 'active', 'is_public': True,
            # Integer type signed size limit
            'size': 2147483647
        }
    ]
    execute(engine, images.insert(), data)
    return data

def pre_upgrade_006(engine):
    now = timeutils.utcnow()
    images = get_table(engine, 'images')
    image_data = [
        {
            'deleted': False, 'created_at': now, 'updated_at': now,
            'type': 'kernel', 'status': 'active', 'is_public': True,
            'id': 9999,
        }
    ]
    execute(engine, images.insert(), image_data)

    images_properties = get_table(engine, 'image_properties')
    properties_data = [
        {
            'id': 10, 'image_id': 9999, 'updated_at': now,
            'created_at': now, 'deleted': False, 'key': 'image_name'
        }
    ]
    execute(engine, images_properties.insert(), properties_data)
    return properties_data

def pre_upgrade_010(engine):
    """Test rows in images with NULL updated_at get updated to equal
    created_at.
    """

    initial_values = [
        (datetime.datetime(1999, 1, 2, 4, 10, 20),
         datetime.datetime(1999, 1, 2, 4, 10, 30)),
        (datetime.datetime(1999, 2, 4, 6, 15, 25),
         datetime.datetime(1999, 2, 4, 6, 15, 35)),
        (datetime.datetime(1999, 3, 6, 8, 20, 30),
         None),
        (datetime.datetime(1999, 4, 8, 10, 25, 35),
         None),
    ]

    images = get_table(engine, 'images')
    for created_at, updated_at in initial_values:
        row = dict(deleted=False,
                   created_at=created_at,
                   updated_at=updated_at,
                   status='active',
                   is_public=True,
                   min_disk=0,
                   min_ram=0)
        run(images.insert().values(row))

    return initial_values

def pre_upgrade_012(engine):
    """Test rows in images have id changes from int to varchar(32) and
    value changed from int to UUID. Also test image_members and
    image_properties gets updated to point to new UUID keys.
    """

    images = get_table(engine, 'images')
    image_members = get_table(engine, 'image_members')
    image_properties = get_table(engine, 'image_properties')

    # Insert kernel, ramdisk and normal images
    now = timeutils.utcnow()
    data = {'created_at': now, 'updated_at': now,
            'status': 'active', 'deleted': False,
            'is_public': True, 'min_disk': 0, 'min_ram': 0}

    test_data = {}
    for name in ('kernel', 'ramdisk', 'normal'):
        data['name'] = '%s migration 012 test' % name
        result = run(images.insert().values(data))
        test_data[name] = result.inserted_primary_key[0]

    # Insert image_members and image_properties rows
    data = {'created_at': now, 'updated_at': now, 'deleted': False,
            'image_id': test_data['normal'], 'member': 'foobar',
            'can_share': False}
    result = run(image_members.insert().values(data))
    test_data['member'] = result.inserted_primary_key[0]

    data = {'created_at': now, 'updated_at': now, 'deleted': False,
            'image_id': test_data['normal'], 'name': 'ramdisk_id',
            'value': test_data['ramdisk']}
    result = run(image_properties.insert().values(data))
    test_data['properties'] = [result.inserted_primary_key[0]]

    data.update({'name': 'kernel_id', 'value': test_data['kernel']})
    result = run(image_properties.insert().values(data))
    test_data['properties'].append(result.inserted_primary_key)

    return test_data

def pre_upgrade_015(engine):
    images = get_table(engine, 'images')
    unquoted_locations = [
        'swift://acct:usr:pass@example.com/container/obj-id',
        'file://foo',
    ]
    now = datetime.datetime.now()
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                status='active',
                is_public=True,
                min_disk=0,
                min_ram=0)
    data = []
    for i, location in enumerate(unquoted_locations):
        temp.update(location=location, id=str(uuid.uuid4()))
        data.append(temp)
        run(images.insert().values(temp))
    return data

def pre_upgrade_016(engine):
    images = get_table(engine, 'images')
    now = datetime.datetime.now()
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                status='active',
                is_public=True,
                min_disk=0,
                min_ram=0,
                id='fake-image-id1')
    run(images.insert().values(temp))
    image_members = get_table(engine, 'image_members')
    now = datetime.datetime.now()
    data = {'deleted': False,
            'created_at': now,
            'member': 'fake-member',
            'updated_at': now,
            'can_share': False,
            'image_id': 'fake-image-id1'}
    run(image_members.insert().values(data))
    return data

def pre_upgrade_019(engine):
    images = get_table(engine, 'images')
    now = datetime.datetime.now()
    base_values = {
        'deleted': False,
        'created_at': now,
        'updated_at': now,
        'status': 'active',
        'is_public': True,
        'min_disk': 0,
        'min_ram': 0,
    }
    data = [
        {'id': 'fake-19-1', 'location': 'http://glance.example.com'},
        # NOTE(bcwaldon): images with a location of None should
        # not be migrated
        {'id': 'fake-19-2', 'location': None},
    ]
    for image in data:
        image.update(base_values)
        run(images.insert().values(image))
    return data

def pre_upgrade_026(engine):
    image_locations = get_table(engine, 'image_locations')

    now = datetime.datetime.now()
    image_id = 'fake_id'
    url = 'file:///some/place/onthe/fs'

    images = get_table(engine, 'images')
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                status='active',
                is_public=True,
                min_disk=0,
                min_ram=0,
                id=image_id)
    run(images.insert().values(temp))

    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                image_id=image_id,
                value=url)
    run(image_locations.insert().values(temp))
    return image_id

def pre_upgrade_029(engine):
    image_locations = get_table(engine, 'image_locations')

    meta_data = {'somelist': ['a', 'b', 'c'], 'avalue': 'hello',
                 'adict': {}}

    now = datetime.datetime.now()
    image_id = 'fake_029_id'
    url = 'file:///some/place/onthe/fs029'

    images = get_table(engine, 'images')
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                status='active',
                is_public=True,
                min_disk=0,
                min_ram=0,
                id=image_id)
    run(images.insert().values(temp))

    pickle_md = pickle.dumps(meta_data)
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                image_id=image_id,
                value=url,
                meta_data=pickle_md)
    run(image_locations.insert().values(temp))

    return meta_data, image_id

def pre_upgrade_031(engine):
    images = get_table(engine, 'images')
    now = datetime.datetime.now()
    image_id = 'fake_031_id'
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                status='active',
                is_public=True,
                min_disk=0,
                min_ram=0,
                id=image_id)
    run(images.insert().values(temp))

    locations_table = get_table(engine, 'image_locations')
    locations = [
        ('file://ab', '{"a": "yo yo"}'),
        ('file://ab', '{}'),
        ('file://ab', '{}'),
        ('file://ab1', '{"a": "that one, please"}'),
        ('file://ab1', '{"a": "that one, please"}'),
    ]
    temp = dict(deleted=False,
                created_at=now,
                updated_at=now,
                image_id=image_id)

    for location, metadata in locations:
        temp.update(value=location, meta_data=metadata)
        run(locations_table.insert().values(temp))
    return image_id

def pre_upgrade_032(engine):
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine, 'task_info')

    tasks = get_table(engine, 'tasks')
    now = datetime.datetime.now()
    base_values = {
        'deleted': False,
        'created_at': now,
        'updated_at': now,
        'status': 'active',
        'owner': 'TENANT',
        'type': 'import',
    }
    data = [
        {
            'id': 'task-1',
            'input': 'some input',
            'message': None,
            'result': 'successful'
        },
        {
            'id': 'task-2',
            'input': None,
            'message': None,
            'result': None
        },
    ]
    for task in data:
        task.update(base_values)
        run(tasks.insert().values(task))
    return data

def pre_upgrade_033(engine):
    images = get_table(engine, 'images')
    image_locations = get_table(engine, 'image_locations')

    now = datetime.datetime.now()
    image_id = 'fake_id_028_%d'
    url = 'file:///some/place/onthe/fs_%d'
    status_list = ['active', 'saving', 'queued', 'killed',
                   'pending_delete', 'deleted']
    image_id_list = []

    for (idx, status) in enumerate(status_list):
        temp = dict(deleted=False,
                    created_at=now,
                    updated_at=now,
                    status=status,
                    is_public=True,
                    min_disk=0,
                    min_ram=0,
                    id=image_id % idx)
        run(images.insert().values(temp))

        temp = dict(deleted=False,
                    created_at=now,
                    updated_at=now,
                    image_id=image_id % idx,
                    value=url % idx)
        run(image_locations.insert().values(temp))

        image_id_list.append(image_id % idx)
    return image_id_list

def pre_upgrade_034(engine):
    images = get_table(engine, 'images')

    now = datetime.datetime.now()
    image_id = 'fake_id_034'
    temp = dict(deleted=False,
                created_at=now,
                status='active',
                is_public=True,
                min_disk=0,
                min_ram=0,
                id=image_id)
    run(images.insert().values(temp))

def pre_upgrade_035(engine):
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine, 'metadef_namespaces')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine, 'metadef_properties')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine, 'metadef_objects')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine, 'metadef_resource_types')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'metadef_namespace_resource_types')

def pre_upgrade_036(engine):
    meta = sqlalchemy.MetaData()
    meta.bind = engine

    # metadef_objects
    table = sqlalchemy.Table("metadef_objects", meta, autoload_with=meta.bind)
    expected_cols = [u'id',
                     u'namespace_id',
                     u'name',
                     u'description',
                     u'required',
                     u'schema',
                     u'created_at',
                     u'updated_at']
    col_data = [col.name for col in table.columns]
    check.assertEqual(expected_cols, col_data)

    # metadef_properties
    table = sqlalchemy.Table("metadef_properties", meta, autoload_with=meta.bind)
    expected_cols = [u'id',
                     u'namespace_id',
                     u'name',
                     u'schema',
                     u'created_at',
                     u'updated_at']
    col_data = [col.name for col in table.columns]
    check.assertEqual(expected_cols, col_data)

def pre_upgrade_038(engine):
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine, 'metadef_tags')

def pre_upgrade_041(engine):
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'artifacts')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'artifact_tags')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'artifact_properties')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'artifact_blobs')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'artifact_dependencies')
    check.assertRaises(sqlalchemy.exc.NoSuchTableError,
                      get_table, engine,
                      'artifact_locations')

def pre_upgrade_042(engine):
    meta = sqlalchemy.MetaData()
    meta.bind = engine

    metadef_namespaces = sqlalchemy.Table('metadef_namespaces', meta,
                                          autoload_with=meta.bind)
    metadef_objects = sqlalchemy.Table('metadef_objects', meta,
                                       autoload_with=meta.bind)
    metadef_properties = sqlalchemy.Table('metadef_properties', meta,
                                          autoload_with=meta.bind)
    metadef_tags = sqlalchemy.Table('metadef_tags', meta, autoload_with=meta.bind)
    metadef_resource_types = sqlalchemy.Table('metadef_resource_types',
                                              meta, autoload_with=meta.bind)
    metadef_ns_res_types = sqlalchemy.Table(
        'metadef_namespace_resource_types',
        meta, autoload_with=meta.bind)

    # These will be dropped and recreated as unique constraints.
    check.assertTrue(index_exist('ix_metadef_namespaces_namespace',
                                metadef_namespaces.name, engine))
    check.assertTrue(index_exist('ix_metadef_objects_namespace_id',
                                metadef_objects.name, engine))
    check.assertTrue(index_exist('ix_metadef_properties_namespace_id',
                                metadef_properties.name, engine))
    check.assertTrue(index_exist('ix_metadef_tags_namespace_id',
                                metadef_tags.name, engine))
    check.assertTrue(index_exist('ix_metadef_resource_types_name',
                                metadef_resource_types.name, engine))

    # This one will be dropped - not needed
    check.assertTrue(index_exist(
        'ix_metadef_ns_res_types_res_type_id_ns_id',
        metadef_ns_res_types.name, engine))

    # The rest must remain
    check.assertTrue(index_exist('ix_metadef_namespaces_owner',
                                metadef_namespaces.name, engine))
    check.assertTrue(index_exist('ix_metadef_objects_name',
                                metadef_objects.name, engine))
    check.assertTrue(index_exist('ix_metadef_properties_name',
                                metadef_properties.name, engine))
    check.assertTrue(index_exist('ix_metadef_tags_name',
                                metadef_tags.name, engine))
    check.assertTrue(index_exist('ix_metadef_ns_res_types_namespace_id',
                                metadef_ns_res_types.name, engine))

    # To be created
    check.assertFalse(unique_constraint_exist
                     ('uq_metadef_objects_namespace_id_name',
                      metadef_objects.name, engine)
                     )
    check.assertFalse(unique_constraint_exist
                     ('uq_metadef_properties_namespace_id_name',
                      metadef_properties.name, engine)
                     )
    check.assertFalse(unique_constraint_exist
                     ('uq_metadef_tags_namespace_id_name',
                      metadef_tags.name, engine)
                     )
    check.assertFalse(unique_constraint_exist
                     ('uq_metadef_namespaces_namespace',
                      metadef_namespaces.name, engine)
                     )
    check.assertFalse(unique_constraint_exist
                     ('uq_metadef_resource_types_name',
                      metadef_resource_types.name, engine)
                     )

def pre_upgrade_045(engine):
    images = get_table(engine, 'images')
    now = datetime.datetime.now()
    image_members = get_table(engine, 'image_members')

    # inserting a public image record
    public_temp = dict(deleted=False,
                       created_at=now,
                       status='active',
                       is_public=True,
                       min_disk=0,
                       min_ram=0,
                       id='public_id')
    run(images.insert().values(public_temp))

    # inserting a non-public image record for 'shared' visibility test
    shared_temp = dict(deleted=False,
                       created_at=now,
                       status='active',
                       is_public=False,
                       min_disk=0,
                       min_ram=0,
                       id='shared_id')
    run(images.insert().values(shared_temp))

    # inserting a non-public image records for 'private' visbility test
    private_temp = dict(deleted=False,
                        created_at=now,
                        status='active',
                        is_public=False,
                        min_disk=0,
                        min_ram=0,
                        id='private_id_1')
    run(images.insert().values(private_temp))
    private_temp = dict(deleted=False,
                        created_at=now,
                        status='active',
                        is_public=False,
                        min_disk=0,
                        min_ram=0,
                        id='private_id_2')
    run(images.insert().values(private_temp))

    # adding an image member for checking 'shared' visbility
    temp = dict(deleted=False,
                created_at=now,
                image_id='shared_id',
                member='fake_member_452',
                can_share=True,
                id=45)
    run(image_members.insert().values(temp))

    # adding an image member, but marking it deleted,
    # for testing 'private' visibility
    temp = dict(deleted=True,
                created_at=now,
                image_id='private_id_2',
                member='fake_member_451',
                can_share=True,
                id=451)
    run(image_members.insert().values(temp))

    # adding an active image member for the 'public' image,
    # to test it remains public regardless.
    temp = dict(deleted=False,
                created_at=now,
                image_id='public_id',
                member='fake_member_450',
                can_share=True,
                id=450)
    run(image_members.insert().values(temp))
