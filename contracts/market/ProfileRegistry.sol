// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ProfileRegistry, after SONM's ProfileRegistry.sol (sonm-io/core v0.4.31).
/// @notice Same names, selectors, events and rules as SONM's:
///  - validators have levels; the owner is the root validator (-1);
///  - a certificate of type >= 1100 needs a validator whose level is at least the type's hundreds digit;
///    a type below 1100 is self-issued (owner == sender), which is how a provider publishes its agent URL;
///  - a type holds one value (a second certificate must repeat it) unless it is 2xxx;
///  - GetProfileLevel comes from attributes 1401 / 1301 / 1201.
contract ProfileRegistry {
    enum IdentityLevel { UNKNOWN, ANONYMOUS, REGISTERED, IDENTIFIED, PROFESSIONAL }

    struct Certificate {
        address from;
        address to;
        uint256 attributeType;
        bytes value;
    }

    event ValidatorCreated(address indexed validator);
    event ValidatorDeleted(address indexed validator);
    event CertificateCreated(uint256 indexed id);
    event CertificateUpdated(uint256 indexed id);
    event Pause();
    event Unpause();

    address public owner;
    bool public paused;

    uint256 internal certificatesCount = 0;

    mapping(address => int8) public validators;
    mapping(uint256 => Certificate) public certificates;
    mapping(address => mapping(uint256 => bytes)) internal certificateValue;
    mapping(address => mapping(uint256 => uint256)) internal certificateCount;

    modifier onlyOwner() {
        require(msg.sender == owner, "ProfileRegistry: only the owner");
        _;
    }

    modifier onlySonm() {
        require(GetValidatorLevel(msg.sender) == -1, "ProfileRegistry: only a root validator");
        _;
    }

    modifier whenNotPaused() {
        require(!paused, "ProfileRegistry: paused");
        _;
    }

    constructor() {
        owner = msg.sender;
        validators[msg.sender] = -1;
    }

    function AddValidator(address _validator, int8 _level) public onlySonm whenNotPaused returns (address) {
        require(_level > 0, "ProfileRegistry: level must be positive");
        require(GetValidatorLevel(_validator) == 0, "ProfileRegistry: already a validator");
        validators[_validator] = _level;
        emit ValidatorCreated(_validator);
        return _validator;
    }

    function RemoveValidator(address _validator) public onlySonm whenNotPaused returns (address) {
        require(GetValidatorLevel(_validator) > 0, "ProfileRegistry: not a validator");
        validators[_validator] = 0;
        emit ValidatorDeleted(_validator);
        return _validator;
    }

    function GetValidatorLevel(address _validator) public view returns (int8) {
        return validators[_validator];
    }

    function CreateCertificate(address _owner, uint256 _type, bytes memory _value) public whenNotPaused {
        if (_type >= 1100) {
            int8 attributeLevel = int8(uint8((_type / 100) % 10));
            require(attributeLevel <= GetValidatorLevel(msg.sender), "ProfileRegistry: validator level too low");
        } else {
            require(_owner == msg.sender, "ProfileRegistry: a type below 1100 is self-issued");
        }
        require(_value.length > 0, "ProfileRegistry: empty value");

        bool isMultiple = _type / 1000 == 2;
        if (!isMultiple) {
            if (certificateCount[_owner][_type] == 0) {
                certificateValue[_owner][_type] = _value;
            } else {
                require(keccak256(GetAttributeValue(_owner, _type)) == keccak256(_value), "ProfileRegistry: another value is set");
            }
        }

        certificateCount[_owner][_type] += 1;
        certificatesCount += 1;
        certificates[certificatesCount] = Certificate(msg.sender, _owner, _type, _value);
        emit CertificateCreated(certificatesCount);
    }

    function RemoveCertificate(uint256 _id) public whenNotPaused {
        Certificate memory crt = certificates[_id];
        require(crt.to == msg.sender || crt.from == msg.sender || GetValidatorLevel(msg.sender) == -1, "ProfileRegistry: not yours");
        require(crt.value.length > 0, "ProfileRegistry: no such certificate");

        certificateCount[crt.to][crt.attributeType] -= 1;
        if (certificateCount[crt.to][crt.attributeType] == 0) {
            certificateValue[crt.to][crt.attributeType] = "";
        }
        certificates[_id].value = "";
        emit CertificateUpdated(_id);
    }

    function GetCertificate(uint256 _id) public view returns (address, address, uint256, bytes memory) {
        Certificate storage c = certificates[_id];
        return (c.from, c.to, c.attributeType, c.value);
    }

    function GetAttributeValue(address _owner, uint256 _type) public view returns (bytes memory) {
        return certificateValue[_owner][_type];
    }

    function GetAttributeCount(address _owner, uint256 _type) public view returns (uint256) {
        return certificateCount[_owner][_type];
    }

    function GetProfileLevel(address _owner) public view returns (IdentityLevel) {
        if (GetAttributeValue(_owner, 1401).length > 0) return IdentityLevel.PROFESSIONAL;
        if (GetAttributeValue(_owner, 1301).length > 0) return IdentityLevel.IDENTIFIED;
        if (GetAttributeValue(_owner, 1201).length > 0) return IdentityLevel.REGISTERED;
        return IdentityLevel.ANONYMOUS;
    }

    function AddSonmValidator(address _validator) public onlyOwner returns (bool) {
        validators[_validator] = -1;
        return true;
    }

    function RemoveSonmValidator(address _validator) public onlyOwner returns (bool) {
        require(GetValidatorLevel(_validator) == -1, "ProfileRegistry: not a root validator");
        validators[_validator] = 0;
        return true;
    }

    function pause() public onlyOwner {
        paused = true;
        emit Pause();
    }

    function unpause() public onlyOwner {
        paused = false;
        emit Unpause();
    }
}
